import { Fragment } from "react";
import { splitRanges } from "../text.js";

/**
 * Text with highlighted ranges rendered as <mark> elements. The text is always rendered as React text nodes
 * (escaped), never as HTML: document text can contain markup from hostile pages.
 */
export function Highlighted({ text, ranges }: { text: string; ranges: readonly (readonly [number, number])[] }) {
  return (
    <>
      {splitRanges(text, ranges).map((p, i) =>
        p.mark ? <mark key={i}>{p.text}</mark> : <Fragment key={i}>{p.text}</Fragment>,
      )}
    </>
  );
}
