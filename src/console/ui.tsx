import type { Child, FC } from "hono/jsx";
import { formatCount } from "./charts";
import { CSRF_FIELD } from "./csrf";
import { ScrollRegion } from "./layout";

/** Small pieces every console page shares: empty states, the CSRF field, paging, times, field errors. Pure, JSX-escaped. */

/** Where a list has nothing: what it is for and what to do next. */
export const EmptyState: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <div class="empty">
    <p class="empty-title">{title}</p>
    {children}
  </div>
);

export const CsrfField: FC<{ token: string }> = ({ token }) => <input type="hidden" name={CSRF_FIELD} value={token} />;

/** "Showing 51–100 of 4,000", with links to the neighbouring pages (`page` is 1-based). */
export const Pager: FC<{ page: number; pageSize: number; total: number; href: (page: number) => string; noun: string }> = ({
  page,
  pageSize,
  total,
  href,
  noun,
}) => {
  const pages = pageCount(total, pageSize);
  if (total === 0) return null;
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <nav class="pager" aria-label={`Pages of ${noun}`}>
      <span>{`${formatCount(first)}–${formatCount(last)} of ${formatCount(total)} ${noun}`}</span>
      {page > 1 ? (
        <a href={href(page - 1)} rel="prev">
          ← Previous
        </a>
      ) : null}
      {page < pages ? (
        <a href={href(page + 1)} rel="next">
          Next →
        </a>
      ) : null}
    </nav>
  );
};

export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** `?page=` as a page number: anything but a whole number from 1 is page 1. */
export function parsePage(value: string | undefined): number {
  const page = Number(value);
  return Number.isInteger(page) && page >= 1 && page <= 1_000_000 ? page : 1;
}

/** ISO time as "2026-11-30 12:34 UTC" (the full value in the `title`). */
export const Time: FC<{ iso: string | null | undefined }> = ({ iso }) =>
  iso ? (
    <time datetime={iso} title={iso}>
      {`${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`}
    </time>
  ) : (
    <span class="muted">—</span>
  );

export const FieldError: FC<{ id: string; message?: string | undefined }> = ({ id, message }) =>
  message ? (
    <p class="field-error" id={id} role="alert">
      {message}
    </p>
  ) : null;

/** A column heading of a ListTable: its text, and `num` for right-aligned counts. */
export type Column = string | { label: string; class: string };

/** A console data table: scrolls sideways in its own labelled region, headed by its columns; the rows are its children. */
export const ListTable: FC<{ label: string; columns: readonly Column[]; children?: Child }> = ({ label, columns, children }) => (
  <ScrollRegion label={label} class="table-scroll">
    <table class="list">
      <thead>
        <tr>
          {columns.map((column) =>
            typeof column === "string" ? (
              <th scope="col">{column}</th>
            ) : (
              <th scope="col" class={column.class}>
                {column.label}
              </th>
            ),
          )}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  </ScrollRegion>
);
