/** The page's element with this id, typed; a missing one is a bug in the page, reported at once. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** The height of a picked video as the browser reads it, or null (not a video, or a format it cannot decode). */
export function videoHeightOf(file: File): Promise<number | null> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const video = document.createElement('video');
    const done = (height: number | null) => {
      URL.revokeObjectURL(url);
      resolve(height);
    };
    video.preload = 'metadata';
    video.muted = true;
    video.onloadedmetadata = () => done(video.videoHeight > 0 ? video.videoHeight : null);
    video.onerror = () => done(null);
    video.src = url;
  });
}
