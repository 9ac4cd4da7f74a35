// Writes one page parameter (tour, hide) into the address bar without reloading, keeping the rest.
import type { PAGE_PARAMS } from './pageParams';

export function setPageParam(name: (typeof PAGE_PARAMS)[number], value: string | null): void {
  const params = new URLSearchParams(window.location.search);
  if (value === null) params.delete(name);
  else params.set(name, value);
  const query = params.toString().replace(/%2C/g, ',');
  window.history.replaceState(null, '', `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`);
}
