"use client";
import { useEffect, useState } from "react";

type Theme = "light" | "dark";

/** Follows the system until the user picks; the pick is kept across visits. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme | null>(null);
  useEffect(() => setTheme((document.documentElement.dataset.theme as Theme) ?? "light"), []);
  const toggle = () => {
    const next: Theme = theme === "dark" ? "light" : "dark";
    document.documentElement.dataset.theme = next;
    try {
      localStorage.setItem("apiscope-theme", next);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
    setTheme(next);
  };
  return (
    <button type="button" onClick={toggle} aria-label="Switch theme" title="Switch light/dark theme">
      {theme === "dark" ? "☀" : "☾"}
    </button>
  );
}
