import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { OpenBanner } from "@/app/OpenBanner";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: "apiscope",
  description: "Why is the Kubernetes API server slow or rejecting requests?",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

// Applied before first paint so a dark-mode user never sees a white flash: the stored choice, else the system's.
const THEME_BOOT = `try{var t=localStorage.getItem("apiscope-theme");if(t!=="light"&&t!=="dark"){t=matchMedia("(prefers-color-scheme: dark)").matches?"dark":"light"}document.documentElement.dataset.theme=t}catch(e){}`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT }} />
      </head>
      <body>
        <OpenBanner />
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
