"use client";
import { setTheme, useThemeName } from "./theme";

/** Follows the system until the user picks; the pick is kept across visits (components/theme.ts). */
export function ThemeToggle() {
  const theme = useThemeName();
  return (
    <button type="button" onClick={() => setTheme(theme === "dark" ? "light" : "dark")} aria-label="Switch theme" title="Switch light/dark theme">
      {theme === "dark" ? "☀" : "☾"}
    </button>
  );
}
