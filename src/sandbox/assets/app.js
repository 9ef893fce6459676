// The sandbox page: a phone-sized chat with the real bot, driven through the emulator's control API
// (/control/*, see src/telegram_emulator). It lists the demo identities, shows the selected chat's transcript,
// re-renders on every state version change (long polling), and sends what the visitor types or presses.
//
// Safety: a message is displayed from the emulator's sanitised `html` field, and even that goes through
// `safeFragment` (an allow-list of Telegram's tags, rebuilt node by node); raw text is only ever set as text.
'use strict';

// The page's own words (its chrome), in French. The bot's messages come from Fluent (locales/); this small
// dictionary is only for the page around them: to translate the page, add a language here and pick it in `LANG`.
const STRINGS = {
  fr: {
    pageTitle: 'Accélérateur · bac à sable',
    actingAs: 'Vous êtes',
    botName: 'Accélérateur',
    botStatus: 'bot · bac à sable',
    offline: 'hors ligne',
    placeholder: 'Votre message…',
    send: 'Envoyer',
    sendSticker: 'Envoyer un autocollant',
    sendPhoto: 'Envoyer une photo',
    commands: 'Commandes du bot',
    emptyTitle: 'Pas encore de message',
    emptyHint: 'Essayez le bot comme dans Telegram : démarrez, puis posez une question.',
    startButton: 'Démarrer',
    typing: 'écrit…',
    edited: 'modifié',
    unread: (n) => (n === 1 ? '1 message non lu' : `${n} messages non lus`),
    roles: { merchant: 'commerçant·e', trainer: 'formatrice', admin: 'admin' },
    nonText: {
      sticker: 'Autocollant',
      photo: 'Photo',
      voice: 'Message vocal',
      location: 'Position',
      document: 'Document',
    },
    errors: {
      network: 'Le bac à sable ne répond pas. Nouvel essai…',
      send: 'Le message n’a pas pu être envoyé.',
      button: 'Ce bouton ne fonctionne plus.',
    },
  },
};
const LANG = 'fr';
const T = STRINGS[LANG];

// Tags of Telegram's HTML that a message may contain; anything else is dropped and only its text kept.
const ALLOWED_TAGS = new Set([
  'B', 'STRONG', 'I', 'EM', 'U', 'INS', 'S', 'STRIKE', 'DEL', 'A', 'CODE', 'PRE', 'BLOCKQUOTE', 'TG-SPOILER',
  'SPAN', 'BR',
]);
const DROPPED_WITH_CONTENT = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'IFRAME', 'OBJECT', 'NOSCRIPT']);
const SAFE_URL = /^(https?:|tg:|mailto:)/i;
const TYPING_TIMEOUT_MS = 10000;

const state = {
  version: -1,
  personas: new Map(), // user id -> { role, detail }
  users: [], // [{ id, first_name, ... }] in display order
  current: null, // the user id the visitor acts as
  transcripts: new Map(), // user id (= private chat id) -> messages
  seen: new Map(), // user id -> number of bot messages already seen
  rendered: new Map(), // message id -> { sig, node } for the displayed chat
  renderedFor: null,
  chips: new Map(), // user id -> its chip on the identity switch
  chipShownFor: null,
  typing: null, // { user, botCount, until }
  pendingAnswers: new Map(), // callback query id -> the user who pressed, until its answer text is shown
  commandSets: [], // the bot's setMyCommands lists, by scope and language
  commandsOpen: false, // the "/" menu was opened with its button (else it follows what is typed)
};

const $ = (selector) => document.querySelector(selector);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children) node.append(child);
  return node;
}

// ---- Control API ---------------------------------------------------------------------------------------------

// The per-run key the server wrote into this page; every control request carries it (a page of another site
// cannot read it, so it cannot drive the sandbox).
const SANDBOX_KEY = document.querySelector('meta[name="sandbox-key"]').content;

async function apiGet(path) {
  const response = await fetch(path, { cache: 'no-store', headers: { 'X-Sandbox-Key': SANDBOX_KEY } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

async function apiPost(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Sandbox-Key': SANDBOX_KEY },
    body: JSON.stringify(body),
  });
  const payload = await response.json().catch(() => null);
  if (!response.ok) throw new Error((payload && payload.error) || `${path}: HTTP ${response.status}`);
  return payload;
}

const listOf = (payload, key) => (Array.isArray(payload) ? payload : (payload && payload[key]) || []);

// ---- Data ----------------------------------------------------------------------------------------------------

const botCount = (id) => (state.transcripts.get(id) || []).filter((m) => m.from_bot).length;

function orderUsers(users) {
  const order = [...state.personas.keys()];
  const rank = (user) => {
    const index = order.indexOf(user.id);
    return index === -1 ? order.length : index;
  };
  return [...users].sort((a, b) => rank(a) - rank(b) || a.id - b.id);
}

async function refresh() {
  const users = orderUsers(listOf(await apiGet('control/users'), 'users'));
  const transcripts = await Promise.all(
    users.map((user) => apiGet(`control/chats/${user.id}/messages`).then((p) => listOf(p, 'messages')).catch(() => [])),
  );
  state.users = users;
  state.commandSets = listOf(await apiGet('control/commands').catch(() => []), 'commands');
  users.forEach((user, index) => {
    state.transcripts.set(user.id, transcripts[index]);
    // History already there when the page opens is not "unread".
    if (!state.seen.has(user.id)) state.seen.set(user.id, botCount(user.id));
  });
  if (!users.some((user) => user.id === state.current)) {
    const wanted = Number(location.hash.slice(1));
    state.current = users.some((user) => user.id === wanted) ? wanted : users.length ? users[0].id : null;
  }
  await showCallbackAnswers();
  render();
}

async function showCallbackAnswers() {
  if (!state.pendingAnswers.size) return;
  const answers = listOf(await apiGet('control/callback-answers').catch(() => []), 'answers');
  for (const answer of answers) {
    const user = state.pendingAnswers.get(answer.callback_query_id);
    if (user === undefined) continue;
    state.pendingAnswers.delete(answer.callback_query_id);
    // Like Telegram, the answer shows in the chat where the button was pressed (not after a switch).
    if (answer.text && user === state.current) toast(answer.text);
  }
}

// ---- Rendering -----------------------------------------------------------------------------------------------

function render() {
  if (state.current !== null) state.seen.set(state.current, botCount(state.current));
  renderIdentities();
  renderTranscript();
  renderCommands();
}

// The commands Telegram would list for this chat: its own scope first, then private chats, then the default.
function commandsFor(id) {
  const fits = (set) => !set.language_code || set.language_code === LANG;
  const pick = (test) => state.commandSets.find((set) => fits(set) && test(set.scope || {}));
  const set =
    pick((scope) => scope.type === 'chat' && Number(scope.chat_id) === id) ||
    pick((scope) => scope.type === 'all_private_chats') ||
    pick((scope) => scope.type === 'default');
  if (!set) return [];
  return set.commands.map((entry) =>
    Array.isArray(entry) ? { command: entry[0], description: entry[1] } : entry,
  );
}

// The "/" menu: opened by its button, or while the input holds a command being typed.
function renderCommands() {
  const commands = commandsFor(state.current);
  $('#open-commands').hidden = commands.length === 0;
  const typed = $('#message').value;
  const typing = /^\/\S*$/.test(typed);
  const prefix = typing ? typed.slice(1).toLowerCase() : '';
  const shown = commands.filter((c) => c.command.toLowerCase().startsWith(prefix));
  const box = $('#commands');
  box.hidden = !(state.commandsOpen || typing) || shown.length === 0;
  box.replaceChildren(
    ...shown.map((c) => {
      const item = el(
        'button',
        { type: 'button', role: 'option', class: 'command', 'data-command': c.command },
        el('span', { class: 'command-name' }, `/${c.command}`),
        el('span', { class: 'command-description' }, c.description),
      );
      item.addEventListener('click', () => {
        closeCommands();
        $('#message').value = '';
        sendText(`/${c.command}`);
      });
      return item;
    }),
  );
}

function closeCommands() {
  state.commandsOpen = false;
  renderCommands();
}

function describe(user) {
  const persona = state.personas.get(user.id) || { role: 'merchant' };
  return persona.detail || T.roles[persona.role] || T.roles.merchant;
}

// Chips are made once per user and updated in place, so that focus, hover and clicks survive updates.
function renderIdentities() {
  const nav = $('#identities');
  const nodes = state.users.map((user) => {
    let chip = state.chips.get(user.id);
    if (!chip) {
      chip = el('button', { type: 'button', role: 'tab', class: 'identity', 'data-user-id': String(user.id) });
      chip.addEventListener('click', () => select(user.id));
      state.chips.set(user.id, chip);
    }
    const unread = Math.max(0, botCount(user.id) - (state.seen.get(user.id) || 0));
    const selected = user.id === state.current;
    const sig = JSON.stringify([user.first_name, describe(user), unread, selected]);
    if (chip.dataset.sig !== sig) {
      chip.dataset.sig = sig;
      chip.dataset.role = (state.personas.get(user.id) || { role: 'merchant' }).role;
      chip.setAttribute('aria-selected', String(selected));
      chip.title = user.first_name;
      chip.replaceChildren(
        avatar(user.first_name, user.id),
        el('span', { class: 'who' }, el('span', { class: 'name' }, user.first_name), el('span', { class: 'role' }, describe(user))),
      );
      if (unread > 0) chip.append(el('span', { class: 'badge', 'aria-label': T.unread(unread) }, String(unread)));
    }
    return chip;
  });
  const same = nodes.length === nav.children.length && nodes.every((node, index) => nav.children[index] === node);
  if (!same) nav.replaceChildren(...nodes);
  // Bring the selected chip into view when the selection changes, not on every update.
  const selected = state.chips.get(state.current);
  if (selected && state.chipShownFor !== state.current) {
    selected.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    state.chipShownFor = state.current;
  }
}


function avatar(name, id) {
  const initial = (name || '?').trim().charAt(0).toUpperCase() || '?';
  return el('span', { class: `avatar avatar-${Math.abs(Number(id)) % 6}`, 'aria-hidden': 'true' }, initial);
}

function renderTranscript() {
  const box = $('#transcript');
  const switched = state.renderedFor !== state.current;
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  if (switched) {
    state.rendered.clear();
    state.renderedFor = state.current;
  }
  const messages = state.transcripts.get(state.current) || [];
  const before = box.querySelectorAll('.msg').length;
  let nodes;
  if (state.current === null || messages.length === 0) {
    nodes = [emptyState()];
  } else {
    nodes = messages.map((message) => {
      // Re-render a message only when something visible changed (an edit, new buttons).
      const sig = JSON.stringify([message.html, message.text, message.buttons, message.edit_count, message.non_text]);
      const known = state.rendered.get(message.message_id);
      if (known && known.sig === sig) return known.node;
      const node = renderMessage(message);
      state.rendered.set(message.message_id, { sig, node });
      return node;
    });
  }
  if (isTyping()) nodes.push(typingIndicator());
  box.replaceChildren(...nodes);
  if (switched || nearBottom || messages.length > before) box.scrollTop = box.scrollHeight;
}

function emptyState() {
  const start = el('button', { type: 'button', class: 'start-btn', id: 'start' }, T.startButton);
  start.addEventListener('click', () => sendText('/start'));
  return el('div', { class: 'empty' }, el('p', { class: 'empty-title' }, T.emptyTitle), el('p', {}, T.emptyHint), start);
}

function renderMessage(message) {
  const side = message.from_bot ? 'bot' : 'user';
  const hasKeyboard = message.from_bot && Array.isArray(message.buttons) && message.buttons.length > 0;
  const row = el('div', {
    class: `msg ${side}${hasKeyboard ? ' has-keyboard' : ''}`,
    'data-message-id': String(message.message_id),
    'data-edited': message.edited ? 'true' : null,
  });
  const body = el('div', { class: 'body' });
  if (message.non_text) body.append(nonText(message.non_text));
  if (message.html) body.append(safeFragment(message.html));
  else if (message.text) body.append(document.createTextNode(message.text));
  const meta = el('div', { class: 'meta' });
  if (message.edited && !hasKeyboard) meta.append(`${T.edited} · `);
  meta.append(clock(message.date));
  row.append(el('div', { class: 'bubble' }, body, meta));
  if (hasKeyboard) row.append(keyboard(message));
  return row;
}

function nonText(kind) {
  const key = String(typeof kind === 'object' ? Object.keys(kind)[0] : kind).toLowerCase();
  return el('div', { class: `non-text non-text-${key}` }, el('span', { class: 'non-text-icon', 'aria-hidden': 'true' }), T.nonText[key] || key);
}

function clock(unixSeconds) {
  if (!unixSeconds) return '';
  const date = new Date(unixSeconds * 1000);
  return date.toLocaleTimeString(LANG, { hour: '2-digit', minute: '2-digit' });
}

// Rebuilds the emulator's HTML with an allow-list: a <template> parses without running scripts or loading images,
// then only Telegram's formatting tags are copied, with no attribute but a checked href and the spoiler class.
function safeFragment(html) {
  const template = document.createElement('template');
  template.innerHTML = html;
  return cleanChildren(template.content);
}

function cleanChildren(parent) {
  const out = document.createDocumentFragment();
  for (const node of parent.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      out.append(document.createTextNode(node.data));
    } else if (node.nodeType === Node.ELEMENT_NODE) {
      const tag = node.tagName.toUpperCase();
      if (DROPPED_WITH_CONTENT.has(tag)) continue;
      if (!ALLOWED_TAGS.has(tag)) {
        out.append(cleanChildren(node));
        continue;
      }
      const copy = document.createElement(tag === 'TG-SPOILER' ? 'span' : tag.toLowerCase());
      if (tag === 'A') {
        const href = node.getAttribute('href') || '';
        if (SAFE_URL.test(href)) {
          copy.setAttribute('href', href);
          copy.setAttribute('target', '_blank');
          copy.setAttribute('rel', 'noopener noreferrer');
        }
      }
      if (tag === 'TG-SPOILER' || (tag === 'SPAN' && node.classList.contains('tg-spoiler'))) {
        copy.className = 'spoiler';
        copy.addEventListener('click', () => copy.classList.add('revealed'));
      }
      copy.append(cleanChildren(node));
      out.append(copy);
    }
  }
  return out;
}

function keyboard(message) {
  const rows = message.buttons.map((row) =>
    el(
      'div',
      { class: 'kb-row' },
      ...row.map((button) => {
        const kind = button.kind || {};
        const url = button.url ?? kind.Url ?? kind.url;
        const data = button.callback_data ?? kind.Callback ?? kind.callback;
        if (url !== undefined) {
          const link = el('a', { class: 'kb-btn kb-url', target: '_blank', rel: 'noopener noreferrer' }, button.text);
          if (SAFE_URL.test(url)) link.setAttribute('href', url);
          return link;
        }
        const press = el('button', { type: 'button', class: 'kb-btn', 'data-callback': data }, button.text);
        press.addEventListener('click', () => pressButton(message.message_id, data, press));
        return press;
      }),
    ),
  );
  return el('div', { class: 'keyboard' }, ...rows);
}

function isTyping() {
  const typing = state.typing;
  return Boolean(typing && typing.user === state.current && Date.now() < typing.until && botCount(typing.user) <= typing.botCount);
}

function typingIndicator() {
  return el(
    'div',
    { class: 'msg bot typing', 'aria-label': `${T.botName} ${T.typing}` },
    el('div', { class: 'bubble' }, el('span', { class: 'dot' }), el('span', { class: 'dot' }), el('span', { class: 'dot' })),
  );
}

let toastTimer = null;
function toast(text) {
  const box = $('#toast');
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    box.hidden = true;
  }, 3500);
}

// ---- Actions -------------------------------------------------------------------------------------------------

function select(id) {
  state.current = id;
  history.replaceState(null, '', `#${id}`);
  render();
  // With a mouse, keep typing; on a touch screen, do not pop the keyboard up on every switch.
  if (window.matchMedia('(pointer: fine)').matches) $('#message').focus({ preventScroll: true });
}

async function sendText(raw) {
  const text = raw.trim();
  if (!text || state.current === null) return false;
  const user = state.current;
  try {
    await apiPost(`control/users/${user}/messages`, { text });
  } catch (error) {
    console.warn(error);
    toast(T.errors.send);
    return false;
  }
  expectReply(user);
  return true;
}

async function sendNonText(kind) {
  if (state.current === null) return;
  const user = state.current;
  try {
    await apiPost(`control/users/${user}/messages`, { non_text: kind });
    expectReply(user);
  } catch (error) {
    console.warn(error);
    toast(T.errors.send);
  }
}

function expectReply(user) {
  state.typing = { user, botCount: botCount(user), until: Date.now() + TYPING_TIMEOUT_MS };
  renderTranscript();
  setTimeout(renderTranscript, TYPING_TIMEOUT_MS + 50);
}

async function pressButton(messageId, data, button) {
  if (state.current === null || data === undefined) return;
  const user = state.current;
  button.classList.add('pressed');
  button.disabled = true;
  try {
    const answer = await apiPost(`control/users/${user}/callbacks`, { message_id: messageId, data });
    const id = answer && (answer.callback_query_id ?? answer.id);
    if (id) state.pendingAnswers.set(String(id), user);
  } catch (error) {
    console.warn(error);
    toast(T.errors.button);
  } finally {
    setTimeout(() => {
      button.classList.remove('pressed');
      button.disabled = false;
    }, 400);
  }
}

// ---- Start-up ------------------------------------------------------------------------------------------------

function translatePage() {
  document.title = T.pageTitle;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = T[node.dataset.i18n];
  for (const node of document.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of node.dataset.i18nAttr.split(',')) {
      const [attr, key] = pair.split(':');
      node.setAttribute(attr, T[key]);
    }
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function setOnline(online) {
  $('#connection').hidden = online;
}

// Long polling: /control/state answers as soon as the emulator's state version passes `since`.
async function pollLoop() {
  for (;;) {
    try {
      // The first call only reads the current version; later ones wait for a change.
      const timeout = state.version < 0 ? 0 : 25;
      const { version } = await apiGet(`control/state?since=${Math.max(state.version, 0)}&timeout=${timeout}`);
      setOnline(true);
      if (version !== state.version) {
        state.version = version;
        await refresh();
      }
    } catch (error) {
      console.warn(error);
      setOnline(false);
      await sleep(1500);
    }
  }
}

async function main() {
  translatePage();
  const personas = await apiGet('sandbox/personas').catch(() => []);
  for (const persona of listOf(personas, 'personas')) state.personas.set(persona.id, persona);
  const wanted = Number(location.hash.slice(1));
  if (wanted) state.current = wanted;

  const input = $('#message');
  $('#composer').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    input.value = '';
    closeCommands();
    if (!(await sendText(text))) input.value = text;
  });
  input.addEventListener('input', renderCommands);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closeCommands();
  });
  $('#open-commands').addEventListener('click', () => {
    state.commandsOpen = !state.commandsOpen;
    renderCommands();
  });
  document.addEventListener('click', (event) => {
    if (state.commandsOpen && !event.target.closest('#commands, #open-commands')) closeCommands();
  });
  $('#send-sticker').addEventListener('click', () => sendNonText('sticker'));
  $('#send-photo').addEventListener('click', () => sendNonText('photo'));
  window.addEventListener('hashchange', () => {
    const id = Number(location.hash.slice(1));
    if (state.users.some((user) => user.id === id)) select(id);
  });
  pollLoop();
}

main();
