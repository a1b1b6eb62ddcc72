import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CSS_VARIABLES, THEMES, type ThemeName } from "./theme";

/** The custom properties declared in one rule of app/globals.css. */
function cssVariables(selector: string): Record<string, string> {
  const css = readFileSync(new URL("../app/globals.css", import.meta.url), "utf8");
  const escaped = selector.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const body = new RegExp(`(?:^|\\})\\s*${escaped}\\s*\\{([^}]*)\\}`, "m").exec(css)?.[1];
  if (body === undefined) throw new Error(`no ${selector} rule in globals.css`);
  return Object.fromEntries([...body.matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)].map((m) => [m[1], m[2].trim()]));
}

describe("theme tokens", () => {
  it.each([
    ["light", ":root"],
    ["dark", ':root[data-theme="dark"]'],
  ] as [ThemeName, string][])("are the %s CSS variables of app/globals.css", (name, selector) => {
    const css = cssVariables(selector);
    for (const [token, variable] of Object.entries(CSS_VARIABLES) as [keyof typeof CSS_VARIABLES, string][]) {
      expect({ variable, value: css[variable] }).toEqual({ variable, value: THEMES[name][token] });
    }
    // Nothing in the rule that the tokens do not know about (a colour added to one place only).
    expect(Object.keys(css).sort()).toEqual(Object.values(CSS_VARIABLES).sort());
  });

  it("give the two themes different colours", () => {
    for (const token of Object.keys(CSS_VARIABLES) as (keyof typeof CSS_VARIABLES)[]) {
      expect(THEMES.light[token]).not.toBe(THEMES.dark[token]);
    }
    expect(THEMES.light.heatmapScale).not.toEqual(THEMES.dark.heatmapScale);
  });
});

describe("the theme store", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  function stubPage(theme: string | undefined) {
    const dataset: Record<string, string> = theme ? { theme } : {};
    const stored = new Map<string, string>();
    vi.stubGlobal("document", { documentElement: { dataset } });
    vi.stubGlobal("localStorage", { setItem: (k: string, v: string) => stored.set(k, v), getItem: (k: string) => stored.get(k) ?? null });
    return { dataset, stored };
  }

  it("reads the theme the boot script set on <html>, once", async () => {
    const { dataset } = stubPage("dark");
    const { getTheme } = await import("./theme");
    expect(getTheme()).toBe("dark");
    dataset.theme = "light"; // not through setTheme: nobody else changes it, and it is not re-read
    expect(getTheme()).toBe("dark");
  });

  it("is light when the page has no theme yet, and on the server", async () => {
    stubPage(undefined);
    expect((await import("./theme")).getTheme()).toBe("light");
    vi.unstubAllGlobals();
    vi.resetModules();
    expect((await import("./theme")).getTheme()).toBe("light");
  });

  it("switches the attribute, keeps the pick and tells every subscriber", async () => {
    const { dataset, stored } = stubPage("light");
    const { getTheme, setTheme, subscribeTheme } = await import("./theme");
    const seen: string[] = [];
    const unsubscribe = subscribeTheme(() => seen.push(getTheme()));
    setTheme("dark");
    expect(dataset.theme).toBe("dark");
    expect(stored.get("apiscope-theme")).toBe("dark");
    expect(seen).toEqual(["dark"]);
    setTheme("dark"); // no change, no notification
    unsubscribe();
    setTheme("light");
    expect(seen).toEqual(["dark"]);
    expect(getTheme()).toBe("light");
  });
});
