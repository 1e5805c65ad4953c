// Copying text: the async Clipboard API where the page is a secure context,
// else the old execCommand route (plain HTTP on a LAN has no navigator.clipboard).

function copyWithSelection(text) {
  const previous = document.activeElement;
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  if (previous instanceof HTMLElement) previous.focus();
  return ok;
}

/** Resolves true when the text landed on the clipboard. */
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission denied or no user gesture: try the fallback.
    }
  }
  return copyWithSelection(text);
}
