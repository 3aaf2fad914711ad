/*
 * The clinic's chat widget: a launcher button that opens a chat panel talking to
 * the assistant over Rasa's REST webhook. Plain JavaScript, no build step.
 *
 * Embed with one tag; widget.css is loaded from the same folder as this file:
 *   <script src="widget.js" data-bot-url="http://localhost:5005" defer></script>
 * Optional attribute: data-clinic-phone (default 904.265.7755), the number shown
 * when the assistant cannot be reached.
 *
 * Privacy: the conversation id and the transcript live in sessionStorage only
 * (gone when the tab closes; "Clear conversation" forgets them at once). Nothing
 * goes to localStorage or cookies. Bot text is only ever set with textContent
 * or text nodes, never parsed as HTML.
 */
(function () {
  "use strict";

  if (window.__clinicChatWidget) {
    return; // loaded twice: keep the first one
  }
  window.__clinicChatWidget = true;

  var script =
    document.currentScript || document.querySelector("script[data-bot-url]");
  var BOT_URL = (
    (script && script.getAttribute("data-bot-url")) ||
    window.location.origin
  ).replace(/\/+$/, "");
  var WEBHOOK_URL = BOT_URL + "/webhooks/rest/webhook";
  var CLINIC_PHONE =
    (script && script.getAttribute("data-clinic-phone")) || "904.265.7755";
  var CSS_URL = new URL("widget.css", (script && script.src) || window.location.href)
    .href;

  // Longer than the server's own turn timeout (turn_timeout_s: 25 in
  // credentials.yml), whose reply gives the clinic's number: the widget's own
  // notice is for a server that cannot answer at all.
  var TIMEOUT_MS = 30000;
  var STORAGE_KEY = "clinicChat.v1";
  var MAX_STORED_MESSAGES = 100;
  var MAX_INPUT_LENGTH = 500;

  // The same titles and payloads as utter_greet's buttons in domain.yml.
  var QUICK_REPLIES = [
    { title: "What is kyphoplasty?", payload: "What is kyphoplasty?" },
    {
      title: "What is recovery like?",
      payload: "What is recovery like after kyphoplasty?",
    },
    { title: "Am I a candidate?", payload: "Who is a candidate for kyphoplasty?" },
    { title: "Book an appointment", payload: "/request_appointment" },
  ];
  var RATINGS = {
    up: { label: "Helpful", done: "helpful" },
    down: { label: "Not helpful", done: "not helpful" },
  };

  // US numbers as the clinic writes them: 904.265.7755, (904) 265-7755, 904-265-7755.
  var PHONE_PATTERN = /(?:\(\d{3}\)\s?|\b\d{3}[.\-\s])\d{3}[.\-]\d{4}\b/g;

  var SVG_NS = "http://www.w3.org/2000/svg";
  var ICONS = {
    chat:
      "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z",
    chevron: "M7.4 8.6 12 13.2l4.6-4.6L18 10l-6 6-6-6z",
    close:
      "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4L12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z",
    up:
      "M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6C6.2 8 6 8.5 6 9v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z",
    down:
      "M22 3h-4v12h4V3zM2 14a2 2 0 0 0 2 2h6.3l-1 4.6v.3c0 .4.2.8.4 1.1l1.1 1 6.6-6.6c.4-.4.6-.9.6-1.4V5a2 2 0 0 0-2-2H7c-.8 0-1.5.5-1.8 1.2l-3 7.1c-.1.2-.2.5-.2.7v2z",
  };

  // ---------------------------------------------------------------- storage

  var memoryStore = null; // used when sessionStorage is unavailable

  function loadState() {
    var raw = null;
    try {
      raw = window.sessionStorage.getItem(STORAGE_KEY);
    } catch (error) {
      raw = memoryStore;
    }
    if (raw) {
      try {
        var parsed = JSON.parse(raw);
        if (parsed && typeof parsed.senderId === "string" && Array.isArray(parsed.messages)) {
          return parsed;
        }
      } catch (error) {
        // unreadable: start afresh
      }
    }
    return { senderId: newSenderId(), greeted: false, messages: [], nextId: 1 };
  }

  function saveState() {
    state.messages = state.messages.slice(-MAX_STORED_MESSAGES);
    var raw = JSON.stringify(state);
    try {
      window.sessionStorage.setItem(STORAGE_KEY, raw);
    } catch (error) {
      memoryStore = raw;
    }
  }

  function forgetState() {
    try {
      window.sessionStorage.removeItem(STORAGE_KEY);
    } catch (error) {
      // nothing stored
    }
    memoryStore = null;
  }

  function newSenderId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return (
      "web-" +
      Array.prototype.map
        .call(bytes, function (byte) {
          return byte.toString(16).padStart(2, "0");
        })
        .join("")
    );
  }

  // --------------------------------------------------------------- DOM bits

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function icon(name) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  function button(className, text) {
    var node = el("button", className, text);
    node.type = "button";
    return node;
  }

  function phoneLink(number) {
    var link = el("a", "", number);
    link.href = "tel:+1" + number.replace(/\D/g, "");
    return link;
  }

  /** Appends `text` to `parent`, turning phone numbers into tel: links. */
  function appendWithPhoneLinks(parent, text) {
    var last = 0;
    var match;
    PHONE_PATTERN.lastIndex = 0;
    while ((match = PHONE_PATTERN.exec(text)) !== null) {
      if (match.index > last) {
        parent.appendChild(el("span", "", text.slice(last, match.index)));
      }
      parent.appendChild(phoneLink(match[0]));
      last = match.index + match[0].length;
    }
    if (last < text.length) {
      parent.appendChild(el("span", "", text.slice(last)));
    }
  }

  // ---------------------------------------------------------------- widget

  var state = loadState();
  var generation = 0; // bumped by "Clear conversation": late replies are dropped
  var queue = Promise.resolve();
  var pending = 0;
  var quickExpanded = false;
  var ui = {};

  function build() {
    var root = el("div", "kc-root");
    root.id = "kc-root";

    var panel = el("section", "kc-panel");
    panel.id = "kc-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", "kc-title");
    panel.hidden = true;

    var header = el("div", "kc-header");
    var title = el("h2", "kc-title", "Kyphoplasty questions");
    title.id = "kc-title";
    var close = button("kc-close");
    close.setAttribute("aria-label", "Close chat");
    close.appendChild(icon("close"));
    header.append(title, close);

    var log = el("div", "kc-log");
    log.id = "kc-log";
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-label", "Conversation");
    log.tabIndex = 0; // scrollable: reachable by keyboard

    var typing = el("div", "kc-typing");
    typing.setAttribute("role", "status");
    for (var i = 0; i < 3; i += 1) {
      var dot = el("span", "kc-dot");
      dot.setAttribute("aria-hidden", "true");
      typing.appendChild(dot);
    }
    var typingText = el("span", "kc-sr-only");
    typing.appendChild(typingText);

    // Tools: the quick replies (open until the first question, then behind a
    // toggle so that the conversation keeps the room) and "Clear conversation".
    var tools = el("div", "kc-tools");
    var quickToggle = button("kc-tool kc-quick-toggle");
    quickToggle.setAttribute("aria-controls", "kc-quick");
    quickToggle.append(el("span", "", "Suggested questions"), icon("chevron"));
    var clear = button("kc-tool kc-clear", "Clear conversation");
    tools.append(quickToggle, clear);

    var quick = el("div", "kc-quick");
    quick.id = "kc-quick";
    quick.setAttribute("role", "group");
    quick.setAttribute("aria-label", "Suggested questions");
    QUICK_REPLIES.forEach(function (reply) {
      var chip = replyButton(reply);
      chip.addEventListener("click", function () {
        quickExpanded = false;
        updateQuickReplies();
        input.focus(); // the chip just hid itself
      });
      quick.appendChild(chip);
    });

    var form = el("form", "kc-form");
    form.setAttribute("novalidate", "");
    var label = el("label", "kc-sr-only", "Your question");
    label.htmlFor = "kc-input";
    var input = el("input", "kc-input");
    input.id = "kc-input";
    input.type = "text";
    input.autocomplete = "off";
    input.maxLength = MAX_INPUT_LENGTH;
    input.placeholder = "Type your question…";
    var send = el("button", "kc-send", "Send");
    send.type = "submit";
    form.append(label, input, send);

    panel.append(header, log, typing, tools, quick, form);

    var launcher = button("kc-launcher");
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "kc-panel");
    launcher.appendChild(icon("chat"));
    launcher.appendChild(el("span", "", "Ask a question"));

    root.append(panel, launcher);
    document.body.appendChild(root);

    ui = {
      root: root,
      panel: panel,
      log: log,
      typing: typing,
      typingText: typingText,
      input: input,
      launcher: launcher,
      quick: quick,
      quickToggle: quickToggle,
    };

    launcher.addEventListener("click", function () {
      if (panel.hidden) {
        openPanel();
      } else {
        closePanel();
      }
    });
    close.addEventListener("click", closePanel);
    clear.addEventListener("click", clearConversation);
    quickToggle.addEventListener("click", function () {
      keepingTheEndInView(function () {
        quickExpanded = !quickExpanded;
        updateQuickReplies();
      });
    });
    root.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !panel.hidden) {
        event.preventDefault();
        closePanel();
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) {
        input.focus();
        return;
      }
      input.value = "";
      ask(text, text);
    });

    state.messages.forEach(function (message) {
      ui.log.appendChild(renderMessage(message));
    });
    updateQuickReplies();
  }

  function updateQuickReplies() {
    var asked = state.messages.some(function (message) {
      return message.from === "visitor";
    });
    var shown = !asked || quickExpanded;
    ui.quick.hidden = !shown;
    ui.quickToggle.hidden = !asked;
    ui.quickToggle.setAttribute("aria-expanded", shown ? "true" : "false");
  }

  function openPanel() {
    ui.panel.hidden = false;
    ui.root.classList.add("kc-open");
    ui.launcher.setAttribute("aria-expanded", "true");
    ui.input.focus();
    scrollToEnd();
    if (!state.greeted && pending === 0) {
      greet();
    }
  }

  function closePanel() {
    ui.panel.hidden = true;
    ui.root.classList.remove("kc-open");
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcher.focus();
  }

  function clearConversation() {
    generation += 1;
    forgetState();
    state = { senderId: newSenderId(), greeted: false, messages: [], nextId: 1 };
    ui.log.replaceChildren();
    setTyping(false);
    pending = 0;
    queue = Promise.resolve();
    ui.input.value = "";
    quickExpanded = false;
    updateQuickReplies();
    ui.input.focus();
    greet();
  }

  function scrollToEnd() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  /** Runs `change`; if the end of the log was in view, keeps it there. */
  function keepingTheEndInView(change) {
    var log = ui.log;
    var atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
    change();
    if (atEnd) {
      scrollToEnd();
    }
  }

  function setTyping(active) {
    ui.typing.classList.toggle("kc-active", active);
    ui.typingText.textContent = active ? "The assistant is typing…" : "";
  }

  // ------------------------------------------------------------- messages

  function replyButton(reply) {
    var chip = button("kc-chip", reply.title);
    chip.setAttribute("data-payload", reply.payload);
    chip.addEventListener("click", function () {
      ask(reply.payload, reply.title);
    });
    return chip;
  }

  function isQuickReplySet(buttons) {
    return buttons.every(function (item) {
      return QUICK_REPLIES.some(function (reply) {
        return reply.payload === item.payload;
      });
    });
  }

  /** Builds the DOM of one stored message. */
  function renderMessage(message) {
    var wrapper = el("div", "kc-msg kc-msg--" + message.from);
    wrapper.setAttribute("data-message-id", String(message.id));
    var bubble = el("p", "kc-bubble");
    var speaker = message.from === "visitor" ? "You said: " : "Assistant: ";
    bubble.appendChild(el("span", "kc-sr-only", speaker));
    if (message.from === "visitor") {
      bubble.appendChild(el("span", "", message.text));
    } else {
      appendWithPhoneLinks(bubble, message.text);
    }
    wrapper.appendChild(bubble);

    // The greeting's buttons are the quick replies under the log: not twice.
    var buttons = message.buttons || [];
    if (buttons.length && !isQuickReplySet(buttons)) {
      var group = el("div", "kc-replies");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Suggested replies");
      buttons.forEach(function (item) {
        group.appendChild(replyButton(item));
      });
      wrapper.appendChild(group);
    }
    if (message.rateable) {
      wrapper.appendChild(renderRating(message));
    }
    return wrapper;
  }

  function renderRating(message) {
    var row = el("div", "kc-rate");
    row.setAttribute("role", "group");
    row.setAttribute("aria-label", "Was this answer helpful?");
    var status = el("span", "kc-rate-status");
    status.tabIndex = -1;
    var buttons = {};
    Object.keys(RATINGS).forEach(function (rating) {
      var thumb = button("kc-rate-btn kc-rate-" + rating);
      thumb.setAttribute("aria-label", RATINGS[rating].label);
      thumb.setAttribute("data-rating", rating);
      thumb.appendChild(icon(rating));
      thumb.addEventListener("click", function () {
        rate(message, rating, buttons, row, status);
      });
      buttons[rating] = thumb;
      row.appendChild(thumb);
    });
    row.appendChild(status);
    if (message.rated) {
      markRated(message.rated, buttons, row, status);
    }
    return row;
  }

  function markRated(rating, buttons, row, status) {
    Object.keys(buttons).forEach(function (name) {
      var thumb = buttons[name];
      thumb.disabled = true;
      thumb.setAttribute("aria-pressed", name === rating ? "true" : "false");
      thumb.setAttribute(
        "aria-label",
        RATINGS[name].label + (name === rating ? ": feedback recorded" : "")
      );
    });
    row.setAttribute(
      "aria-label",
      "Feedback recorded: you rated this answer " + RATINGS[rating].done
    );
    status.textContent = "Feedback recorded. Thank you!";
  }

  function rate(message, rating, buttons, row, status) {
    Object.keys(buttons).forEach(function (name) {
      buttons[name].disabled = true;
    });
    status.textContent = "Sending…";
    status.focus();
    var payload = "/feedback" + JSON.stringify({ rating: rating });
    enqueue(payload, true).then(function (outcome) {
      if (outcome.stale) {
        return;
      }
      if (outcome.ok) {
        message.rated = rating;
        saveState();
        keepingTheEndInView(function () {
          markRated(rating, buttons, row, status);
        });
        showReplies(outcome.replies, false);
      } else {
        Object.keys(buttons).forEach(function (name) {
          buttons[name].disabled = false;
        });
        status.textContent = "Feedback not sent: the assistant is unavailable.";
      }
    });
  }

  function addMessage(message) {
    message.id = state.nextId;
    state.nextId += 1;
    state.messages.push(message);
    saveState();
    ui.log.appendChild(renderMessage(message));
    updateQuickReplies();
    scrollToEnd();
  }

  function showReplies(replies, rateable) {
    var texts = replies.filter(function (reply) {
      return reply && typeof reply.text === "string" && reply.text.trim();
    });
    texts.forEach(function (reply, index) {
      addMessage({
        from: "bot",
        text: reply.text,
        buttons: Array.isArray(reply.buttons)
          ? reply.buttons
              .filter(function (item) {
                return item && typeof item.payload === "string";
              })
              .map(function (item) {
                return { title: String(item.title || item.payload), payload: item.payload };
              })
          : [],
        rateable: rateable && index === texts.length - 1,
        rated: null,
      });
    });
  }

  function showUnavailable() {
    var wrapper = el("div", "kc-msg kc-msg--notice");
    var bubble = el("p", "kc-bubble");
    bubble.appendChild(
      el("span", "", "Sorry, the assistant is unavailable right now. Please call the clinic at ")
    );
    bubble.appendChild(phoneLink(CLINIC_PHONE));
    bubble.appendChild(el("span", "", "."));
    wrapper.appendChild(bubble);
    ui.log.appendChild(wrapper);
    scrollToEnd();
  }

  // -------------------------------------------------------------- network

  /** POSTs one message; resolves to the bot's replies, rejects on any other failure. */
  function post(text, senderId) {
    var controller = new AbortController();
    var timer = window.setTimeout(function () {
      controller.abort();
    }, TIMEOUT_MS);
    return fetch(WEBHOOK_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: senderId, message: text }),
      signal: controller.signal,
      credentials: "omit",
      cache: "no-store",
    })
      .then(function (response) {
        // Too many messages (429): the body is the assistant's own polite reply.
        if (!response.ok && response.status !== 429) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (replies) {
        if (!Array.isArray(replies)) {
          throw new Error("unexpected reply");
        }
        return replies;
      })
      .finally(function () {
        window.clearTimeout(timer);
      });
  }

  /**
   * Sends messages one at a time, in order; resolves to {ok, replies, stale}.
   * A quiet message (feedback) shows no typing indicator.
   */
  function enqueue(text, quiet) {
    var mine = generation;
    var senderId = state.senderId;
    pending += 1;
    if (!quiet) {
      setTyping(true);
    }
    var result = queue.then(function () {
      if (mine !== generation) {
        return { ok: false, replies: [], stale: true };
      }
      return post(text, senderId).then(
        function (replies) {
          return { ok: true, replies: replies, stale: mine !== generation };
        },
        function () {
          return { ok: false, replies: [], stale: mine !== generation };
        }
      );
    });
    queue = result;
    return result.then(function (outcome) {
      if (!outcome.stale) {
        pending -= 1;
        if (pending === 0) {
          setTyping(false);
        }
        if (!outcome.ok) {
          showUnavailable();
        }
      }
      return outcome;
    });
  }

  function greet() {
    enqueue("/greet").then(function (outcome) {
      if (outcome.ok && !outcome.stale) {
        state.greeted = true;
        saveState();
        showReplies(outcome.replies, false);
      }
    });
  }

  /** Shows the visitor's words, sends `payload`, shows the answer. */
  function ask(payload, shownText) {
    addMessage({ from: "visitor", text: shownText });
    enqueue(payload).then(function (outcome) {
      if (outcome.ok && !outcome.stale) {
        showReplies(outcome.replies, true);
      }
    });
  }

  // ----------------------------------------------------------------- start

  function start() {
    build();
  }

  // The panel's styles come with the widget, so the page needs just one tag.
  var stylesheet = document.createElement("link");
  stylesheet.rel = "stylesheet";
  stylesheet.href = CSS_URL;
  var started = false;
  function startOnce() {
    if (!started) {
      started = true;
      start();
    }
  }
  stylesheet.addEventListener("load", startOnce);
  stylesheet.addEventListener("error", startOnce);
  document.head.appendChild(stylesheet);
})();
