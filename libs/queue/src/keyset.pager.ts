/**
 * Visits every row a keyset-paginated query returns, `limit` at a time: each page is asked for with the
 * last row of the previous one as `after`, until a page comes back short. A row whose visit throws is
 * handed to `onError` and the walk goes on, so one row that cannot be handled now never hides the rest.
 * Returns how many rows were visited.
 */
export async function visitKeysetPages<Row>(options: {
  limit: number;
  page: (after: Row | undefined) => Promise<Row[]>;
  visit: (row: Row) => Promise<void>;
  onError: (err: unknown, row: Row) => void;
}): Promise<number> {
  let visited = 0;
  let rows: Row[] = [];
  do {
    rows = await options.page(rows.at(-1));
    visited += rows.length;
    for (const row of rows) {
      try {
        await options.visit(row);
      } catch (err) {
        options.onError(err, row);
      }
    }
  } while (rows.length === options.limit);
  return visited;
}
