// Agent messages are markdown written by a model: rendered with marked, then sanitized with
// DOMPurify before they touch the DOM. Nothing remote is ever loaded: images become their alt text
// (the CSP would block them anyway; this keeps the text), and only a small set of tags survives.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: true, async: false });
marked.use({
  renderer: {
    image({ text }) {
      return `<span class="md-image">[image: ${escapeHtml(text || 'no description')}]</span>`;
    },
  },
});

const allowedTags = ['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span'];

const cache = new Map<string, string>();

/** Safe HTML for a message; cached, because a virtualized list renders the same rows again on scroll. */
export function renderMarkdown(source: string): string {
  const hit = cache.get(source);
  if (hit !== undefined) return hit;
  const html = DOMPurify.sanitize(marked.parse(source) as string, {
    ALLOWED_TAGS: allowedTags,
    ALLOWED_ATTR: ['href', 'title', 'class', 'start', 'align'],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
    ALLOW_DATA_ATTR: false,
  });
  if (cache.size > 5000) cache.clear();
  cache.set(source, html);
  return html;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
