// A virtualized list for Preact on @tanstack/virtual-core: only the rows in view (and a few either
// side) are in the DOM, measured as they render, so a thread of 10,000 messages of any height
// scrolls and updates as fast as one of 50. The adapter is the one react-virtual uses, in Preact hooks.
import { elementScroll, measureElement, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/virtual-core';
import type { VirtualizerOptions } from '@tanstack/virtual-core';
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks';

export interface VirtualListProps<T> {
  items: readonly T[];
  itemKey: (item: T, index: number) => string;
  renderItem: (item: T, index: number) => ComponentChildren;
  /** A first guess at a row's height; real heights replace it once rows are measured. */
  estimateHeight: number;
  label: string;
  /** Where to start (a scroll offset saved with the panel's state); undefined: at the end, like a chat. */
  initialOffset?: number;
  onScrolled?: (offset: number) => void;
  class?: string;
}

export function VirtualList<T>(props: VirtualListProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const latest = useRef(props);
  latest.current = props;
  const options: VirtualizerOptions<HTMLDivElement, HTMLDivElement> = {
    count: props.items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => latest.current.estimateHeight,
    getItemKey: (i) => latest.current.itemKey(latest.current.items[i]!, i),
    scrollToFn: elementScroll,
    observeElementRect,
    observeElementOffset,
    measureElement,
    overscan: 6,
    // New messages keep the view at the bottom while the reader is there, and leave it alone otherwise.
    anchorTo: 'end',
    followOnAppend: true,
    initialOffset: props.initialOffset,
    onChange: (instance) => {
      rerender(0);
      if (instance.scrollOffset !== null) latest.current.onScrolled?.(instance.scrollOffset);
    },
  };
  const [virtualizer] = useState(() => new Virtualizer(options));
  virtualizer.setOptions(options);
  const placed = useRef(false);
  useLayoutEffect(() => virtualizer._didMount(), [virtualizer]);
  useLayoutEffect(() => {
    // _willUpdate attaches the scroll element; only then can the first position be set.
    virtualizer._willUpdate();
    if (placed.current) return;
    placed.current = true;
    if (latest.current.initialOffset === undefined) virtualizer.scrollToEnd();
  });

  return (
    <div ref={scroller} class={`vlist ${props.class ?? ''}`} tabIndex={0} role="log" aria-label={props.label} aria-live="off">
      <div class="vlist-body" style={{ height: `${virtualizer.getTotalSize()}px` }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            data-index={row.index}
            ref={virtualizer.measureElement}
            class="vlist-row"
            role="article"
            aria-posinset={row.index + 1}
            aria-setsize={props.items.length}
            style={{ transform: `translateY(${row.start}px)` }}
          >
            {props.renderItem(props.items[row.index]!, row.index)}
          </div>
        ))}
      </div>
    </div>
  );
}
