// Tiny DOM helpers. Never sets style attributes: the page runs under a strict CSP.

/**
 * el('a', {class: 'btn', href: url, text: 'Download'}, child, ...)
 * Props: class, text, on<event> (a function), anything else becomes an attribute
 * (true gives an empty attribute; null, undefined and false are skipped).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else node.setAttribute(key, value === true ? '' : String(value));
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** An SVG element with attributes, e.g. svg('rect', {width: 10}). */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  node.append(...children);
  return node;
}

export const byId = (id) => document.getElementById(id);

/** Shows exactly one of the given elements (the others get `hidden`). */
export function showOnly(visible, ...all) {
  for (const node of all) node.hidden = node !== visible;
}
