// The playground page: the customer's chat with the bot (left) and the support group's forum
// topics, where one plays the agent (right). Everything goes through the /_local JSON layer.

import { getJson, postJson } from "./api.js";
import { follow } from "./feed.js";
import { renderMessage } from "./message.js";

const $ = (id) => document.getElementById(id);
const ANSWER_WAIT_SECONDS = 10;

class MessageList {
  constructor(container, options) {
    this.container = container;
    this.options = options;
    this.messages = new Map();
    this.show = () => true;
  }

  apply(messages) {
    for (const message of messages) this.messages.set(message.id, message);
    this.render();
  }

  only(show) {
    this.show = show;
    this.render();
  }

  render() {
    const atBottom = this.container.scrollHeight - this.container.scrollTop - this.container.clientHeight < 80;
    const shown = [...this.messages.values()]
      .filter((m) => !m.deleted && this.show(m))
      .sort((a, b) => a.id - b.id);
    const nodes = shown.map((m) => this.node(m));
    this.container.replaceChildren(...nodes);
    if (atBottom || this.grew(shown)) this.container.scrollTop = this.container.scrollHeight;
  }

  node(message) {
    const key = `${message.id}:${message.version}`;
    this.cache = this.cache || new Map();
    let node = this.cache.get(message.id);
    if (!node || node.dataset.key !== key) {
      node = renderMessage(message, this.options);
      node.dataset.key = key;
      this.cache.set(message.id, node);
    }
    return node;
  }

  grew(shown) {
    const last = shown.length ? shown[shown.length - 1].id : 0;
    const grew = last !== this.lastShown;
    this.lastShown = last;
    return grew;
  }
}

function toast(text, alert) {
  if (alert) {
    window.alert(text);
    return;
  }
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 3000);
}

async function press(chatId, userId, message, data, button) {
  button.classList.add("pressed");
  try {
    const body = { user_id: userId, message_id: message.id, callback_data: data };
    const { callback_query_id: id } = await postJson(`/_local/chats/${chatId}/press`, body);
    const answer = await getJson(`/_local/callbacks/${id}`, { timeout: ANSWER_WAIT_SECONDS });
    if (answer.answered && answer.text) toast(answer.text, answer.show_alert);
  } finally {
    button.classList.remove("pressed");
  }
}

function composer(form, send) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = form.elements.text;
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    await send(text);
  });
}

function fullName(user) {
  return [user.first_name, user.last_name].filter(Boolean).join(" ");
}

class CustomerPane {
  constructor(config) {
    this.config = config;
    const options = {
      group: false,
      onPress: (message, data, button) => press(this.user.id, this.user.id, message, data, button),
    };
    this.list = new MessageList($("customer-messages"), options);
    composer($("customer-form"), (text) => this.send(text));
    $("customer-messages").addEventListener("click", (event) => this.command(event));
    const select = $("language");
    for (const code of config.languages) select.append(new Option(code, code));
    select.addEventListener("change", () => this.setLanguage(select.value));
    $("new-customer").addEventListener("click", () => this.newCustomer());
    $("bot-name").textContent = config.bot.first_name;
  }

  open(user) {
    if (this.stop) this.stop();
    this.user = user;
    this.list = new MessageList($("customer-messages"), { ...this.list.options, me: user.id });
    $("customer-name").textContent = fullName(user);
    $("language").value = user.language_code || "";
    this.stop = follow(user.id, (messages, chat) => {
      this.list.apply(messages);
      this.replyKeyboard(chat.reply_keyboard);
    });
  }

  send(text) {
    return postJson(`/_local/chats/${this.user.id}/messages`, { user_id: this.user.id, text });
  }

  command(event) {
    const link = event.target.closest("a.command");
    if (!link) return;
    event.preventDefault();
    this.send(link.dataset.command);
  }

  async setLanguage(code) {
    const { user } = await postJson(`/_local/users/${this.user.id}`, { language_code: code });
    this.user = user;
  }

  async newCustomer() {
    const body = { first_name: "Khách", language_code: $("language").value };
    const { user } = await postJson("/_local/users", body);
    this.open(user);
  }

  replyKeyboard(markup) {
    const box = $("reply-keyboard");
    box.replaceChildren();
    for (const row of (markup && markup.keyboard) || []) {
      const line = document.createElement("div");
      line.className = "row";
      for (const key of row) {
        const text = typeof key === "string" ? key : key.text;
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button";
        button.textContent = text;
        button.addEventListener("click", () => this.send(text));
        line.append(button);
      }
      box.append(line);
    }
  }
}

class SupportPane {
  constructor(config) {
    this.chatId = config.support.chat_id;
    this.agent = config.agent;
    this.topic = null;
    this.known = new Set();
    const onPress = (message, data, button) => press(this.chatId, this.agent.id, message, data, button);
    this.list = new MessageList($("support-messages"), { me: this.agent.id, group: true, onPress });
    this.list.only((m) => m.thread_id === this.topic);
    $("support-title").textContent = config.support.title;
    $("agent-name").textContent = `${fullName(this.agent)} (agent)`;
    composer($("support-form"), (text) => this.send(text));
    follow(this.chatId, (messages, chat) => {
      this.topics(chat.topics);
      this.list.apply(messages);
    });
  }

  topics(topics) {
    const fresh = topics.filter((t) => !this.known.has(t.message_thread_id));
    for (const t of fresh) this.known.add(t.message_thread_id);
    if (fresh.length) this.topic = fresh[fresh.length - 1].message_thread_id;
    const nav = $("topics");
    nav.replaceChildren(
      ...topics.map((t) => {
        const tab = document.createElement("button");
        tab.type = "button";
        tab.className = `topic${t.message_thread_id === this.topic ? " selected" : ""}${t.closed ? " closed" : ""}`;
        tab.textContent = `${t.closed ? "🔒 " : "# "}${t.name}`;
        tab.addEventListener("click", () => this.select(t.message_thread_id, topics));
        return tab;
      }),
    );
    $("support-form").hidden = this.topic === null;
  }

  select(threadId, topics) {
    this.topic = threadId;
    this.topics(topics);
    this.list.render();
  }

  send(text) {
    const body = { user_id: this.agent.id, text, thread_id: this.topic };
    return postJson(`/_local/chats/${this.chatId}/messages`, body);
  }
}

async function main() {
  const config = await getJson("/playground/config");
  new CustomerPane(config).open(config.customer);
  new SupportPane(config);
}

main();
