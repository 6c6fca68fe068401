// One chat's messages as they change: a long poll of /_local/chats/{id}/messages, each answer
// handed to `onChange` (new, edited and deleted messages, and the chat with its topics).

import { getJson } from "./api.js";

const WAIT_SECONDS = 25;
const RETRY_MS = 1000;

export function follow(chatId, onChange) {
  const control = new AbortController();
  let since = 0;
  (async () => {
    while (!control.signal.aborted) {
      try {
        const params = { since, timeout: since === 0 ? 0 : WAIT_SECONDS };
        const feed = await getJson(`/_local/chats/${chatId}/messages`, params, control.signal);
        since = feed.version;
        onChange(feed.messages, feed.chat);
      } catch (error) {
        if (control.signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  })();
  return () => control.abort();
}
