// One message as Telegram draws it: a bubble with the sender (in groups), the formatted text
// or caption, a file, the inline keyboard, "edited" and the time.

import { escapeHtml, formatText, safeUrl } from "./format.js";

function element(tag, className, html) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (html !== undefined) node.innerHTML = html;
  return node;
}

function time(date) {
  return new Date(date * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function size(bytes) {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

function serviceText(service) {
  if (service.forum_topic_created) return `# ${service.forum_topic_created.name}`;
  if (service.forum_topic_edited) return `✎ ${service.forum_topic_edited.name || ""}`;
  if (service.forum_topic_closed) return "🔒";
  if (service.forum_topic_reopened) return "🔓";
  return Object.keys(service).join(", ");
}

function attachment(file) {
  if (file.kind === "photo") return photo(file);
  const doc = element("a", "document");
  doc.href = file.url;
  doc.download = file.file_name || "";
  const extension = (file.file_name || "").split(".").pop().slice(0, 4) || "file";
  doc.innerHTML = `<span class="icon">${escapeHtml(extension)}</span><span><span class="file-name">${escapeHtml(
    file.file_name || file.kind,
  )}</span><span class="file-size">${size(file.size)}</span></span>`;
  return doc;
}

function photo(file) {
  const img = element("img", "photo");
  img.src = file.url;
  img.alt = file.file_name || "photo";
  return img;
}

function keyboard(rows, onPress) {
  const box = element("div", "inline-keyboard");
  for (const row of rows) {
    const line = element("div", "row");
    for (const button of row) {
      if (button.url && safeUrl(button.url)) {
        const a = element("a", "button url");
        a.href = button.url;
        a.target = "_blank";
        a.rel = "noopener";
        a.textContent = button.text;
        line.append(a);
      } else {
        const b = element("button", "button");
        b.type = "button";
        b.textContent = button.text;
        b.addEventListener("click", () => onPress(button.callback_data, b));
        line.append(b);
      }
    }
    box.append(line);
  }
  return box;
}

export function renderMessage(message, { me, group, onPress }) {
  if (message.service) return element("div", "service", escapeHtml(serviceText(message.service)));
  const mine = message.from.id === me;
  const wrapper = element("div", `message ${mine ? "out" : "in"}`);
  const bubble = element("div", "bubble");
  if (group && !mine) {
    const who = [message.from.first_name, message.from.last_name].filter(Boolean).join(" ");
    bubble.append(element("div", "sender", escapeHtml(who)));
  }
  if (message.media) bubble.append(attachment(message.media));
  const shown = message.visible_text ?? "";
  if (shown) bubble.append(element("div", "text", formatText(shown, message.entities)));
  const meta = element("div", "meta", `${message.edit_count ? "edited " : ""}${time(message.date)}`);
  bubble.append(meta);
  wrapper.append(bubble);
  const rows = message.reply_markup && message.reply_markup.inline_keyboard;
  if (rows && rows.length) wrapper.append(keyboard(rows, (data, button) => onPress(message, data, button)));
  wrapper.dataset.id = message.id;
  return wrapper;
}
