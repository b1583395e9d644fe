// A box that scrolls sideways on narrow screens (wide tables, code). Keyboard users scroll it too: it
// takes focus (WCAG 2.1.1) and is a named region, so a screen reader says what the focus landed on.
import type { ReactNode } from "react";

export function ScrollRegion({
  label,
  className,
  children,
}: {
  label: string;
  className: string;
  children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className={className} aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}
