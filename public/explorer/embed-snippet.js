// "Embed": the <iframe> snippet of the view a reader is looking at, to paste into a story or a content system.
// The embed pages live under /embed/ (src/routes/embeds.ts), the only pages that may be framed.
import { t } from './i18n.js';

/** The snippet for an embed path (/embed/map?as_of=…): sized by its container, titled for screen readers. */
export function iframeSnippet(embedPath, title, height = 520) {
  const src = new URL(embedPath, window.location.origin).href;
  const escaped = (text) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<iframe src="${escaped(src)}" title="${escaped(title)}" width="100%" height="${height}" style="border:0;max-width:100%" loading="lazy"></iframe>`;
}

/** Wires the page's Embed button and panel; `current()` answers { path, title, height } for the view shown now. */
export function wireEmbedButton(button, panel, snippet, copy, current) {
  const refresh = () => {
    const view = current();
    snippet.value = iframeSnippet(view.path, view.title, view.height);
  };
  button.addEventListener('click', () => {
    const open = panel.hidden;
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) {
      refresh();
      snippet.focus();
      snippet.select();
    }
  });
  copy.addEventListener('click', async () => {
    refresh();
    snippet.select();
    try {
      await navigator.clipboard.writeText(snippet.value);
      copy.textContent = t('embed.copied');
    } catch {
      // No clipboard permission (an http page, an old browser): the snippet is selected for Ctrl+C.
    }
  });
  return refresh;
}
