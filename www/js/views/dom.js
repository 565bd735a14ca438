// A tiny element builder: h('li', { class: 'node', 'aria-label': 'x' }, child, 'text').
// Text always goes in as text, never as HTML.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}

/** "1.2 KB" style sizes. */
export function formatBytes(size) {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}

const counts = new Intl.NumberFormat('en');

/** "10,000" style counts. */
export function formatCount(count) {
  return counts.format(count);
}

const utf8 = new TextDecoder();

export function text(bytes) {
  return utf8.decode(bytes);
}
