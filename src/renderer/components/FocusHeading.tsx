import { type ReactNode, useEffect, useRef } from 'react';

interface Props {
  level: 1 | 2 | 3 | 4;
  id?: string;
  /** The heading takes focus whenever this changes after the first render (a new view or step). */
  focusKey: string | number;
  /** Also take focus on the first render. */
  focusOnMount?: boolean;
  /** false: the step's own primary control takes focus instead (the keyboard path), not the heading. */
  takeFocus?: boolean;
  className?: string;
  children: ReactNode;
}

/**
 * A heading that receives focus when the screen moves on, so keyboard and screen-reader users
 * start from the new content. tabIndex -1: focusable by script, not a tab stop.
 */
export function FocusHeading({ level, id, focusKey, focusOnMount = false, takeFocus = true, className, children }: Props) {
  const ref = useRef<HTMLHeadingElement>(null);
  const previous = useRef<string | number | null>(focusOnMount ? null : focusKey);
  useEffect(() => {
    if (previous.current === focusKey) return;
    previous.current = focusKey;
    if (takeFocus) ref.current?.focus();
  }, [focusKey, takeFocus]);
  const Tag = `h${level}` as const;
  return (
    <Tag ref={ref} id={id} tabIndex={-1} className={className ? `focus-heading ${className}` : 'focus-heading'}>
      {children}
    </Tag>
  );
}
