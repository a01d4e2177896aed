/* followup-kit: fill-in templates, copy / mail / .eml, a follow-up date planner with .ics
   reminders, a quality meter, and channel variants (LinkedIn, text, phone, voicemail) with a
   length counter; the variants' tabs are radio inputs, so switching them needs no script.
   Plain JavaScript, no dependencies. Everything the reader types stays in this browser
   (localStorage); nothing is sent anywhere.

   The page carries its scenario as JSON in the data-fu-json attribute of #fu-data.
   Material's instant navigation swaps pages without reloading scripts, so `init` runs on
   every page through Material's `document$` observable. */
(function () {
  "use strict";

  var STORE_PREFIX = "followup-kit:";
  var STORE_DETAILS = STORE_PREFIX + "details";
  var STORE_DATES = STORE_PREFIX + "dates";
  var MAILTO_LIMIT = 1800;
  var PHONE_SUBJECT = 40;
  var DESKTOP_SUBJECT = 60;
  /* A blank is `{key}`; `{{` and `}}` are escaped literal braces, matched first. */
  var PLACEHOLDER = /\{\{|\}\}|\{([a-z][a-z0-9_]*)\}/g;

  function load(key) {
    try {
      var value = JSON.parse(window.localStorage.getItem(key) || "{}");
      return value && typeof value === "object" && !Array.isArray(value) ? value : {};
    } catch (error) {
      return {};
    }
  }

  function save(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      /* Storage may be disabled (private mode): the page still works, it just forgets. */
    }
  }

  /* Everything this script ever stored, whatever it was called, so clearing forgets it all. */
  function forgetAll() {
    try {
      var ours = [];
      for (var i = 0; i < window.localStorage.length; i += 1) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(STORE_PREFIX) === 0) ours.push(key);
      }
      ours.forEach(function (key) { window.localStorage.removeItem(key); });
    } catch (error) {
      /* Storage disabled: nothing was stored. */
    }
  }

  /* Time of day of an anchor ("15:30"), kept with the dates; "__time" is the interview's time
     as earlier versions stored it. */
  function timeKey(anchor) {
    return "time:" + anchor;
  }

  function loadDates() {
    var dates = load(STORE_DATES);
    if (dates.__time && !dates[timeKey("interview")]) dates[timeKey("interview")] = dates.__time;
    delete dates.__time;
    return dates;
  }

  function announce(element, message) {
    if (!element) return;
    element.textContent = "";
    window.setTimeout(function () { element.textContent = message; }, 30);
  }

  /* ---- Text of a template, with the reader's values or [Label] blanks ---- */

  function fill(text, data, values) {
    /* `{{` and `}}` are literal braces (the build refuses any other brace that is not a blank). */
    return text.replace(PLACEHOLDER, function (whole, key) {
      if (whole === "{{") return "{";
      if (whole === "}}") return "}";
      var value = (values[key] || "").trim();
      if (value) return value;
      var placeholder = data.placeholders[key];
      return placeholder ? "[" + placeholder.label + "]" : whole;
    });
  }

  function missing(template, data, values) {
    return template.placeholders
      .filter(function (key) { return !(values[key] || "").trim(); })
      .map(function (key) { return data.placeholders[key].label; });
  }

  function filled(template, data, values) {
    return {
      subject: template.subject === null ? null
        : fill(template.subject, data, values).replace(/\s+/g, " ").trim(),
      body: fill(template.body, data, values).replace(/\s+$/, "")
    };
  }

  function wordCount(text) {
    var words = text.trim().match(/\S+/g);
    return words ? words.length : 0;
  }

  /* ---- Channel variants: filled text and its length against the channel's limit ---- */

  function variantText(variant, data, values) {
    return {
      subject: variant.subject === null ? null
        : fill(variant.subject, data, values).replace(/\s+/g, " ").trim(),
      body: fill(variant.body, data, values).replace(/\s+$/, "")
    };
  }

  /* Measured as the lint measures it (build_scripts/lint.py, FU115): whitespace runs count as
     one space, and a blank not filled in yet counts as its example. */
  function variantSize(variant, data, values) {
    var examples = {};
    Object.keys(data.placeholders).forEach(function (key) {
      examples[key] = (values[key] || "").trim() || data.placeholders[key].example;
    });
    var text = fill(variant.body, data, examples).replace(/\s+/g, " ").trim();
    var size = variant.limit.unit === "words" ? wordCount(text) : Array.from(text).length;
    var empty = variant.placeholders.some(function (key) { return !(values[key] || "").trim(); });
    return { size: size, over: size > variant.limit.max, examples: empty };
  }

  function counterText(variant, measure) {
    var limit = variant.limit;
    var text = limit.unit === "words"
      ? measure.size + " of about " + limit.max + " words"
      : measure.size + " of " + limit.max + " characters";
    if (measure.over) {
      text += ": " + (measure.size - limit.max) + " over the limit, shorten it";
    }
    if (measure.examples) text += " (blanks you have not filled in count as their examples)";
    return text + ".";
  }

  /* ---- Clipboard ---- */

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  /* ---- Files: .eml (RFC 5322) and .ics (RFC 5545) ---- */

  function utf8(text) {
    return new TextEncoder().encode(text);
  }

  function base64(bytes) {
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) binary += String.fromCharCode(bytes[i]);
    return window.btoa(binary);
  }

  /* RFC 2047 encoded words for a header value that is not plain ASCII. */
  function encodeHeader(value) {
    /* Plain ASCII goes as it is, unless it could be read as an encoded word itself. */
    if (/^[\x20-\x7e]*$/.test(value) && value.indexOf("=?") < 0) return value;
    var words = [];
    var chunk = "";
    Array.from(value).forEach(function (char) {
      if (utf8(chunk + char).length > 42) {
        words.push(chunk);
        chunk = "";
      }
      chunk += char;
    });
    if (chunk) words.push(chunk);
    return words.map(function (word) { return "=?UTF-8?B?" + base64(utf8(word)) + "?="; }).join("\r\n ");
  }

  /* Quoted-printable body (RFC 2045): readable, and no line longer than 76 characters. */
  function quotedPrintable(text) {
    return text.split("\n").map(function (line) {
      var bytes = utf8(line);
      var out = "";
      var width = 0;
      for (var i = 0; i < bytes.length; i += 1) {
        var byte = bytes[i];
        var last = i === bytes.length - 1;
        var piece;
        if ((byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last)) {
          piece = String.fromCharCode(byte);
        } else {
          piece = "=" + (byte < 16 ? "0" : "") + byte.toString(16).toUpperCase();
        }
        if (width + piece.length > 75) {
          out += "=\r\n";
          width = 0;
        }
        out += piece;
        width += piece.length;
      }
      return out;
    }).join("\r\n");
  }

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function rfc5322Date(date) {
    var days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    var months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    var offset = -date.getTimezoneOffset();
    var sign = offset >= 0 ? "+" : "-";
    offset = Math.abs(offset);
    return days[date.getDay()] + ", " + date.getDate() + " " + months[date.getMonth()] + " " +
      date.getFullYear() + " " + pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" +
      pad(date.getSeconds()) + " " + sign + pad(Math.floor(offset / 60)) + pad(offset % 60);
  }

  /* An ASCII dot-atom address (RFC 5322 3.4.1); anything else falls back to the example sender. */
  var ADDRESS = /^[A-Za-z0-9!#$%&'*+\/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+\/=?^_`{|}~-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

  function emlFile(email, data, values) {
    var address = (values.__sender || "").trim();
    if (!ADDRESS.test(address)) address = data.sender;
    var name = (values.your_name || "").trim().replace(/["\\\r\n]/g, "");
    /* An ASCII name is quoted; any other is an RFC 2047 encoded word, which must not be. */
    var display = /^[\x20-\x7e]*$/.test(name) && name.indexOf("=?") < 0
      ? '"' + name + '"'
      : encodeHeader(name);
    var from = name ? display + " <" + address + ">" : address;
    return [
      "From: " + from,
      "Date: " + rfc5322Date(new Date()),
      "Subject: " + encodeHeader(email.subject),
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=UTF-8",
      "Content-Transfer-Encoding: quoted-printable",
      "X-Unsent: 1",
      "",
      quotedPrintable(email.body + "\n")
    ].join("\r\n");
  }

  function download(name, type, content) {
    var blob = new Blob([content], { type: type });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    window.setTimeout(function () {
      URL.revokeObjectURL(link.href);
      link.remove();
    }, 1000);
  }

  /* ---- Dates: all arithmetic on calendar dates in UTC, so daylight saving cannot shift a day ---- */

  function parseDate(text) {
    var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    if (!match) return null;
    return new Date(Date.UTC(+match[1], +match[2] - 1, +match[3]));
  }

  function addDays(date, days) {
    return new Date(date.getTime() + days * 86400000);
  }

  function addBusinessDays(date, count) {
    var result = date;
    var added = 0;
    while (added < count) {
      result = addDays(result, 1);
      var day = result.getUTCDay();
      if (day !== 0 && day !== 6) added += 1;
    }
    return result;
  }

  /* A moment: a calendar date, plus minutes after midnight when a time is known. */
  function shift(moment, unit, amount) {
    if (unit === "business_days") return { date: addBusinessDays(moment.date, amount), minutes: null };
    if (unit === "days") return { date: addDays(moment.date, amount), minutes: null };
    if (moment.minutes === null) {
      return { date: addDays(moment.date, Math.floor(amount / 24)), minutes: null };
    }
    var total = moment.minutes + amount * 60;
    return { date: addDays(moment.date, Math.floor(total / 1440)), minutes: ((total % 1440) + 1440) % 1440 };
  }

  function showMoment(moment) {
    var text = moment.date.toLocaleDateString(undefined, {
      weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC"
    });
    if (moment.minutes !== null) {
      text += ", " + pad(Math.floor(moment.minutes / 60)) + ":" + pad(moment.minutes % 60);
    }
    return text;
  }

  function isoDate(date) {
    return date.getUTCFullYear() + "-" + pad(date.getUTCMonth() + 1) + "-" + pad(date.getUTCDate());
  }

  /* Dates of every step: {earliest, ideal, latest, planned} moments, or null when unknown. */
  function planSteps(data, dates) {
    var plans = [];
    data.timeline.forEach(function (step, index) {
      var base = null;
      if (step.after_step) {
        var earlier = plans[step.after_step - 1];
        base = earlier ? earlier.planned : null;
      } else {
        var date = parseDate(dates[step.anchor]);
        if (date) {
          var time = /^(\d{2}):(\d{2})$/.exec(dates[timeKey(step.anchor)] || "");
          base = { date: date, minutes: time ? +time[1] * 60 + +time[2] : null };
        }
      }
      if (!base) {
        plans[index] = null;
        return;
      }
      var plan = {};
      ["earliest", "ideal", "latest"].forEach(function (bound) {
        if (step[bound] !== null && step[bound] !== undefined) plan[bound] = shift(base, step.unit, step[bound]);
      });
      plan.planned = plan.ideal || plan.earliest || plan.latest;
      plans[index] = plan;
    });
    return plans;
  }

  function icsEscape(text) {
    return text.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
  }

  /* Fold content lines at 75 octets (RFC 5545 3.1) without splitting a UTF-8 character. */
  function icsFold(line) {
    var out = [];
    var current = "";
    Array.from(line).forEach(function (char) {
      if (utf8(current + char).length > (out.length ? 74 : 75)) {
        out.push(current);
        current = "";
      }
      current += char;
    });
    out.push(current);
    return out.join("\r\n ");
  }

  function icsStamp(moment) {
    var date = isoDate(moment.date).replace(/-/g, "");
    if (moment.minutes === null) return ";VALUE=DATE:" + date;
    return ":" + date + "T" + pad(Math.floor(moment.minutes / 60)) + pad(moment.minutes % 60) + "00";
  }

  function calendar(data, plans) {
    var now = new Date();
    var stamp = now.getUTCFullYear() + pad(now.getUTCMonth() + 1) + pad(now.getUTCDate()) + "T" +
      pad(now.getUTCHours()) + pad(now.getUTCMinutes()) + pad(now.getUTCSeconds()) + "Z";
    var lines = [
      "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//followup-kit//follow-up planner//EN",
      "CALSCALE:GREGORIAN", "METHOD:PUBLISH"
    ];
    data.timeline.forEach(function (step, index) {
      var plan = plans[index];
      if (!plan) return;
      var start = plan.planned;
      var end = start.minutes === null
        ? { date: addDays(start.date, 1), minutes: null }
        : shift(start, "hours", 0.5);
      var range = [];
      if (plan.earliest) range.push("earliest " + showMoment(plan.earliest));
      if (plan.ideal) range.push("ideally " + showMoment(plan.ideal));
      if (plan.latest) range.push("latest " + showMoment(plan.latest));
      var template = data.templates.filter(function (t) { return t.id === step.template; })[0];
      var flags = [step.optional ? "optional" : "", step.ours ? "our suggestion" : ""]
        .filter(Boolean).join(", ");
      var description = step.when + " (" + range.join(", ") + ")." +
        (flags ? " This step is " + flags + "." : "") +
        (template ? " Template: " + template.title + "." : "") + " " + window.location.href.split("#")[0];
      lines.push(
        "BEGIN:VEVENT",
        "UID:" + data.id + "-" + step.id + "-" + isoDate(start.date) + "@followup-kit",
        "DTSTAMP:" + stamp,
        "DTSTART" + icsStamp(start),
        "DTEND" + icsStamp(end),
        "SUMMARY:" + icsEscape(step.title + (step.optional ? " (optional)" : "") + " (" + data.title + ")"),
        "DESCRIPTION:" + icsEscape(description),
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "DESCRIPTION:" + icsEscape(step.title),
        "TRIGGER;RELATED=START:" + (start.minutes === null ? "PT9H" : "-PT15M"),
        "END:VALARM",
        "END:VEVENT"
      );
    });
    lines.push("END:VCALENDAR");
    return lines.map(icsFold).join("\r\n") + "\r\n";
  }

  /* ---- Quality meter ---- */

  function meterItems(template, email, data, values) {
    var items = [];
    var length = email.subject === null ? 0 : Array.from(email.subject).length;
    if (email.subject === null) {
      items.push(["ok", "Subject: none of its own; it goes as a reply in the existing thread."]);
    } else if (length <= PHONE_SUBJECT) {
      items.push(["ok", "Subject: " + length + " characters, short enough for a phone screen (about " + PHONE_SUBJECT + ")."]);
    } else if (length <= DESKTOP_SUBJECT) {
      items.push(["warn", "Subject: " + length + " characters. Phones show about " + PHONE_SUBJECT + ", so the end may be cut off there."]);
    } else {
      items.push(["bad", "Subject: " + length + " characters. Desktop mail shows about " + DESKTOP_SUBJECT + " and phones about " + PHONE_SUBJECT + "; shorten it."]);
    }
    var words = wordCount(email.body);
    var range = data.body_words;
    if (words < range.min) {
      items.push(["warn", "Body: " + words + " words, shorter than the " + range.min + "-" + range.max + " this situation calls for."]);
    } else if (words > range.max) {
      items.push(["warn", "Body: " + words + " words, longer than the " + range.min + "-" + range.max + " a busy reader takes in."]);
    } else {
      items.push(["ok", "Body: " + words + " words, within the " + range.min + "-" + range.max + " suggested."]);
    }
    var blanks = missing(template, data, values);
    if (blanks.length) {
      items.push(["warn", "Still blank: " + blanks.join(", ") + "."]);
    } else {
      items.push(["ok", "Every blank is filled in."]);
    }
    var text = ((email.subject || "") + "\n" + email.body).toLowerCase();
    var found = data.avoid.filter(function (phrase) { return text.indexOf(phrase) !== -1; });
    if (found.length) {
      items.push(["bad", "Avoid: \u201c" + found.join("\u201d, \u201c") + "\u201d."]);
    }
    return items;
  }

  function renderMeter(element, items) {
    element.textContent = "";
    var heading = document.createElement("p");
    heading.className = "fu-meter-title";
    heading.textContent = "Check before sending";
    element.appendChild(heading);
    var list = document.createElement("ul");
    items.forEach(function (item) {
      var entry = document.createElement("li");
      entry.className = "fu-meter-" + item[0];
      var mark = document.createElement("span");
      mark.className = "fu-meter-mark";
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = item[0] === "ok" ? "\u2713" : item[0] === "info" ? "\u2192" : "!";
      entry.appendChild(mark);
      entry.appendChild(document.createTextNode(" " + item[1]));
      list.appendChild(entry);
    });
    element.appendChild(list);
    element.dataset.state = items.some(function (i) { return i[0] === "warn" || i[0] === "bad"; })
      ? "warn" : items.some(function (i) { return i[0] === "info"; }) ? "waiting" : "ok";
  }

  /* ---- The page ---- */

  function init() {
    var source = document.getElementById("fu-data");
    if (!source) return;
    var data;
    try { data = JSON.parse(source.getAttribute("data-fu-json")); } catch (error) { return; }
    var root = source.closest("article") || document;
    if (root.dataset && root.dataset.fuReady) return;
    if (root.dataset) root.dataset.fuReady = "1";

    var values = load(STORE_DETAILS);
    var dates = loadDates();
    var resetPlanner = function () {};
    var templates = {};
    data.templates.forEach(function (t) { templates[t.id] = t; });

    function variantOf(template, panel) {
      var channel = panel.getAttribute("data-fu-variant");
      return (template.channels || []).filter(function (v) { return v.channel === channel; })[0];
    }

    var panel = root.querySelector("[data-fu-panel]");
    var panelStatus = root.querySelector("[data-fu-panel-status]");
    var inputs = Array.prototype.slice.call(root.querySelectorAll("[data-fu-key]"));
    var sender = root.querySelector("[data-fu-sender]");

    function render() {
      Array.prototype.forEach.call(root.querySelectorAll(".fu-blank[data-key]"), function (blank) {
        var key = blank.getAttribute("data-key");
        var value = (values[key] || "").trim();
        blank.textContent = value || "[" + data.placeholders[key].label + "]";
        blank.classList.toggle("fu-filled", Boolean(value));
      });
      Array.prototype.forEach.call(root.querySelectorAll(".fu-template[data-template]"), function (box) {
        var template = templates[box.getAttribute("data-template")];
        if (!template) return;
        var email = filled(template, data, values);
        var mail = box.querySelector("[data-fu-mailto]");
        var mailOff = box.querySelector("[data-fu-mailto-off]");
        var mailNote = box.querySelector("[data-fu-mail-note]");
        if (mail && mailOff && mailNote) {
          var href = "mailto:?subject=" + encodeURIComponent(email.subject) +
            "&body=" + encodeURIComponent(email.body.replace(/\r?\n/g, "\r\n"));
          var tooLong = href.length > MAILTO_LIMIT;
          /* A link without href is neither focusable nor safe from Material's instant
             navigation, so a too-long email swaps the link for a button that says why. */
          mail.setAttribute("href", tooLong ? "mailto:" : href);
          mail.hidden = tooLong;
          mailOff.hidden = !tooLong;
          mailOff.dataset.length = tooLong ? String(href.length) : "";
          mailNote.hidden = !tooLong;
          mailNote.textContent = tooLong
            ? "Open in email app is off: this email is too long for a mail link (" + href.length +
              " characters; mail apps break near 2,000). Use Copy email or Download .eml instead."
            : "";
        }
        Array.prototype.forEach.call(box.querySelectorAll("[data-fu-variant]"), function (panel) {
          var variant = variantOf(template, panel);
          var counter = panel.querySelector("[data-fu-counter]");
          if (!variant || !counter) return;
          var measure = variantSize(variant, data, values);
          counter.textContent = counterText(variant, measure);
          counter.dataset.state = measure.over ? "over" : "ok";
          /* Said to screen readers only when the limit is crossed, not on every keystroke. */
          var was = panel.dataset.fuOver;
          var now = measure.over ? "1" : "0";
          if (was !== undefined && was !== now) {
            announce(panel.querySelector("[data-fu-counter-alert]"), variant.label +
              (measure.over ? ": now over the limit of " : ": back within the limit of ") +
              variant.limit.max + " " + variant.limit.unit + ".");
          }
          panel.dataset.fuOver = now;
        });
        var meter = box.querySelector("[data-fu-meter]");
        if (meter) {
          /* Until the reader types one of its blanks the email is not theirs yet: judging the
             [Label] text would only warn about the labels. */
          var started = !template.placeholders.length || template.placeholders.some(function (key) {
            return (values[key] || "").trim();
          });
          renderMeter(meter, started ? meterItems(template, email, data, values) : [
            ["info", "Once you fill in your details above, this checks your email: subject length, word count, blanks left and phrases to avoid."]
          ]);
          meter.hidden = false;
        }
      });
    }

    if (panel) {
      panel.hidden = false;
      var table = root.querySelector(".fu-blanks-table");
      if (table) table.hidden = true;
      inputs.forEach(function (input) {
        input.value = values[input.getAttribute("data-fu-key")] || "";
        input.addEventListener("input", function () {
          values[input.getAttribute("data-fu-key")] = input.value;
          save(STORE_DETAILS, values);
          render();
        });
      });
      if (sender) {
        sender.value = values.__sender || "";
        sender.addEventListener("input", function () {
          values.__sender = sender.value;
          save(STORE_DETAILS, values);
        });
      }
      panel.addEventListener("submit", function (event) { event.preventDefault(); });
      var clear = panel.querySelector("[data-fu-clear]");
      clear.addEventListener("click", function () {
        values = {};
        dates = {};
        forgetAll();
        inputs.forEach(function (input) { input.value = ""; });
        if (sender) sender.value = "";
        resetPlanner();
        render();
        announce(panelStatus, "Your details and planner dates were cleared from this browser.");
      });
    }

    Array.prototype.forEach.call(root.querySelectorAll(".fu-template[data-template]"), function (box) {
      var template = templates[box.getAttribute("data-template")];
      var actions = box.querySelector("[data-fu-actions]");
      var status = box.querySelector("[data-fu-copy-status]");
      if (!template) return;
      Array.prototype.forEach.call(box.querySelectorAll("[data-fu-variant]"), function (panel) {
        var variant = variantOf(template, panel);
        var variantActions = panel.querySelector("[data-fu-variant-actions]");
        var variantStatus = panel.querySelector("[data-fu-variant-status]");
        if (!variant || !variantActions) return;
        variantActions.hidden = false;
        Array.prototype.forEach.call(variantActions.querySelectorAll("[data-fu-variant-copy]"), function (button) {
          button.addEventListener("click", function () {
            var text = variantText(variant, data, values);
            var subject = button.getAttribute("data-fu-variant-copy") === "subject";
            copyText(subject ? text.subject : text.body).then(
              function () {
                announce(variantStatus, (subject ? "Subject" : variant.label) + " copied to the clipboard.");
              },
              function () { announce(variantStatus, "Copying was blocked by the browser; select the text and copy it by hand."); }
            );
          });
        });
      });
      if (!actions) return;
      actions.hidden = false;
      Array.prototype.forEach.call(actions.querySelectorAll("[data-fu-copy]"), function (button) {
        button.addEventListener("click", function () {
          var email = filled(template, data, values);
          var part = button.getAttribute("data-fu-copy");
          var text = part === "subject" ? email.subject
            : part === "body" ? email.body
            : "Subject: " + email.subject + "\n\n" + email.body;
          var what = part === "subject" ? "Subject" : part === "body" ? "Body" : "Email";
          var done = template.reply
            ? "Copied. Paste it into a reply in the existing thread, so it keeps the thread's subject."
            : what + " copied to the clipboard.";
          copyText(text).then(
            function () { announce(status, done); },
            function () { announce(status, "Copying was blocked by the browser; select the text and copy it by hand."); }
          );
        });
      });
      var mailOff = actions.querySelector("[data-fu-mailto-off]");
      if (mailOff) {
        mailOff.addEventListener("click", function () {
          announce(status, "This email is too long to open in a mail app (" + mailOff.dataset.length +
            " characters as a link; mail apps break near 2,000). Use Copy email instead.");
        });
      }
      var eml = actions.querySelector("[data-fu-eml]");
      if (eml) {  /* a reply in a thread has no draft: a draft would start a new thread */
        eml.addEventListener("click", function () {
          var email = filled(template, data, values);
          download(data.id + "-" + template.id + ".eml", "message/rfc822", emlFile(email, data, values));
          announce(status, "Draft downloaded: open it in your mail app.");
        });
      }
    });

    var planner = root.querySelector("[data-fu-planner]");
    if (planner) {
      planner.hidden = false;
      var plannerStatus = root.querySelector("[data-fu-planner-status]");
      var dateInputs = Array.prototype.slice.call(planner.querySelectorAll("[data-fu-anchor]"));
      var timeInputs = Array.prototype.slice.call(planner.querySelectorAll("[data-fu-time]"));
      var showDates = function () {
        var plans = planSteps(data, dates);
        Array.prototype.forEach.call(root.querySelectorAll(".fu-step[data-step]"), function (item) {
          var index = +item.getAttribute("data-step") - 1;
          var target = item.querySelector("[data-fu-dates]");
          var plan = plans[index];
          if (!target) return;
          if (!plan) {
            target.hidden = true;
            target.textContent = "";
            return;
          }
          var parts = [];
          if (plan.earliest) parts.push("Earliest " + showMoment(plan.earliest));
          if (plan.ideal) parts.push("Ideal " + showMoment(plan.ideal));
          if (plan.latest) parts.push("Latest " + showMoment(plan.latest));
          target.textContent = parts.join(" \u00b7 ");
          target.hidden = false;
        });
        return plans;
      };
      dateInputs.forEach(function (input) {
        input.value = dates[input.getAttribute("data-fu-anchor")] || "";
        input.addEventListener("input", function () {
          dates[input.getAttribute("data-fu-anchor")] = input.value;
          save(STORE_DATES, dates);
          showDates();
        });
      });
      timeInputs.forEach(function (input) {
        var key = timeKey(input.getAttribute("data-fu-time"));
        input.value = dates[key] || "";
        input.addEventListener("input", function () {
          dates[key] = input.value;
          save(STORE_DATES, dates);
          showDates();
        });
      });
      resetPlanner = function () {
        dateInputs.concat(timeInputs).forEach(function (input) { input.value = ""; });
        showDates();
      };
      showDates();
      planner.addEventListener("submit", function (event) { event.preventDefault(); });
      planner.querySelector("[data-fu-ics]").addEventListener("click", function () {
        var plans = showDates();
        if (!plans.some(Boolean)) {
          announce(plannerStatus, "Enter a date above first, then add the reminders.");
          return;
        }
        download(data.id + "-reminders.ics", "text/calendar", calendar(data, plans));
        announce(plannerStatus, "Calendar file downloaded: open it to add the reminders.");
      });
    }

    render();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
