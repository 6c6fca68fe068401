// A message's visible text and its Telegram entities as safe HTML. Entity offsets count
// UTF-16 code units, as JavaScript strings do, so slices line up.

const TAGS = {
  bold: "b",
  italic: "i",
  underline: "u",
  strikethrough: "s",
  code: "code",
  blockquote: "blockquote",
  expandable_blockquote: "blockquote",
};

export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

export function safeUrl(url) {
  return /^(https?:|tg:|mailto:)/i.test(url) ? url : null;
}

function link(url, inner) {
  const href = safeUrl(url);
  if (!href) return inner;
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener">${inner}</a>`;
}

function wrap(entity, inner, raw) {
  if (TAGS[entity.type]) return `<${TAGS[entity.type]}>${inner}</${TAGS[entity.type]}>`;
  switch (entity.type) {
    case "pre": return `<pre>${inner}</pre>`;
    case "spoiler": return `<span class="spoiler" tabindex="0">${inner}</span>`;
    case "text_link": return link(entity.url || "", inner);
    case "url": return link(/^[a-z]+:/i.test(raw) ? raw : `https://${raw}`, inner);
    case "email": return link(`mailto:${raw}`, inner);
    case "bot_command": return `<a href="#" class="command" data-command="${escapeHtml(raw)}">${inner}</a>`;
    default: return inner;
  }
}

function render(text, start, end, entities) {
  let out = "";
  let pos = start;
  let i = 0;
  while (i < entities.length) {
    const entity = entities[i];
    const stop = Math.min(entity.offset + entity.length, end);
    let j = i + 1;
    while (j < entities.length && entities[j].offset < stop) j += 1;
    if (entity.offset >= pos) {
      out += escapeHtml(text.slice(pos, entity.offset));
      const inner = render(text, entity.offset, stop, entities.slice(i + 1, j));
      out += wrap(entity, inner, text.slice(entity.offset, stop));
      pos = stop;
    }
    i = j;
  }
  return out + escapeHtml(text.slice(pos, end));
}

export function formatText(text, entities) {
  if (!text) return "";
  const sorted = [...(entities || [])].sort((a, b) => a.offset - b.offset || b.length - a.length);
  return render(text, 0, text.length, sorted);
}
