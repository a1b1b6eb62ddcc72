import { type NextRequest } from "next/server";
import { exploreMetaRequestSchema } from "@/lib/api-schema";
import { exploreAnswer, exploreMeta } from "@/lib/server/explore";
import { jsonAnswer } from "@/lib/server/limits/guard";
import { viewRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** What the explorer's autocomplete asks: label names, label values, series or metadata of the chosen cluster. */
export async function GET(req: NextRequest) {
  return viewRoute(req, () =>
    exploreAnswer(async () => {
      const sp = req.nextUrl.searchParams;
      const params = exploreMetaRequestSchema.parse({ ...Object.fromEntries(sp), match: sp.getAll("match") });
      // A minute in the browser: autocomplete asks the same things while the user types.
      return jsonAnswer(await exploreMeta(params, req.signal), "private, max-age=60");
    }),
  );
}
