/** A Link header's targets by rel: `{ next: '/movies/?…', first: '/movies/?…' }`. */
export function linksOf(header: unknown): Record<string, string> {
  if (typeof header !== 'string' && !Array.isArray(header)) return {};
  const text = Array.isArray(header) ? header.join(', ') : header;
  const links: Record<string, string> = {};
  for (const match of text.matchAll(/<([^>]*)>;\s*rel="([^"]+)"/g)) {
    const [, target, rel] = match;
    if (target !== undefined && rel !== undefined) links[rel] = target;
  }
  return links;
}

/** The next link with its cursor left out: `/genres/?per_page=5&after=…` → `/genres/?per_page=5&after=*`. */
export function nextLinkShape(header: unknown): string | undefined {
  return linksOf(header).next?.replace(/after=[A-Za-z0-9_-]+/, 'after=*');
}
