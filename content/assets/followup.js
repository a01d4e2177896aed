/* followup-kit: fill-in templates, copy / mail / .eml, a follow-up date planner with .ics
   reminders, a quality meter, and channel variants (LinkedIn, text, phone, voicemail) with a
   length counter; the variants' tabs are radio inputs, so switching them needs no script.
   Plain JavaScript, no dependencies. Everything the reader types stays in this browser
   (localStorage); nothing is sent anywhere. The planner counts business days with the
   weekend and public holidays of the reader's country, from the site's own
   assets/holidays/<CC>.json (built by build_scripts/business_days.py, whose
   add_business_days this script follows), loaded only once the planner is used.

   The page carries its scenario as JSON in the data-fu-json attribute of #fu-data, and the
   edition (language, default country, translated interface strings) in #fu-edition.
   Every text the reader sees goes through `_`, its English as the first argument and `{field}`
   values in the second: the build reads those literal texts from this file, so they stay
   literal and in double quotes.
   Material's instant navigation swaps pages without reloading scripts, so `init` runs on
   every page through Material's `document$` observable. */
(function () {
  "use strict";

  var STORE_PREFIX = "followup-kit:";
  var STORE_DETAILS = STORE_PREFIX + "details";
  var STORE_DATES = STORE_PREFIX + "dates";
  var STORE_CALENDAR = STORE_PREFIX + "calendar";
  /* The reader's applications ("My applications", assets/followup-tracker.js): a scenario page
     can write for one of them. Details about the reader themselves are kept once, in `profile`,
     for every application; the rest are the application's own. */
  var STORE_APPLICATIONS = STORE_PREFIX + "applications";
  var PROFILE_KEYS = ["your_name", "your_phone", "your_link", "__sender"];
  var STORE_WRITING_FOR = STORE_PREFIX + "writing-for";
  var DEFAULT_COUNTRY = "US";
  /* Night, when an hour-based reminder would wake the reader: from 20:00 to 08:00 local time.
     Such a reminder moves to MORNING (the .ics uses floating times: the reader's own zone). */
  var NIGHT_STARTS = 20 * 60;
  var NIGHT_ENDS = 8 * 60;
  var MORNING = 9 * 60;
  /* Where this script was loaded from: the holiday files lie beside it, in holidays/. */
  var SCRIPT_URL = (document.currentScript && document.currentScript.src) || "";
  var MAILTO_LIMIT = 1800;
  var PHONE_SUBJECT = 40;
  var DESKTOP_SUBJECT = 60;
  /* A blank is `{key}`; `{{` and `}}` are escaped literal braces, matched first. */
  var PLACEHOLDER = /\{\{|\}\}|\{([a-z][a-z0-9_]*)\}/g;

  /* ---- The edition: language, default country and translated interface text ---- */

  var edition = { strings: {} };

  function readEdition() {
    var block = document.getElementById("fu-edition");
    var value = {};
    try { value = JSON.parse(block ? block.textContent : "{}") || {}; } catch (error) { value = {}; }
    if (typeof value !== "object" || Array.isArray(value)) value = {};
    if (!value.strings || typeof value.strings !== "object") value.strings = {};
    return value;
  }

  /* `text` in the edition's language (English when it has no translation), with `{name}`
     fields filled from `values`; any other brace stays as it is. */
  function _(text, values) {
    var translated = edition.strings[text];
    var result = typeof translated === "string" && translated ? translated : text;
    if (!values) return result;
    return result.replace(/\{([a-z][a-z0-9_]*)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function pageLanguage() {
    return document.documentElement.lang || edition.language || "en";
  }

  /* Dates in the page's language; in the reader's own variant of it where the browser says
     one (an English page read with en-GB shows 20 Nov, with en-US Nov 20; de-AT shows Jän.). */
  function dateLocale() {
    var page = pageLanguage();
    var base = page.toLowerCase().split("-")[0];
    var preferred = (navigator.languages || [navigator.language || ""]).filter(function (tag) {
      return tag && tag.toLowerCase().split("-")[0] === base;
    })[0];
    var locale = preferred || page;
    try {
      new Intl.DateTimeFormat(locale);
      return locale;
    } catch (error) {
      return undefined;
    }
  }

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

  /* Everything this script ever stored, whatever it was called, so clearing forgets it all
     (but the keys in `keep`). */
  function forgetAll(keep) {
    try {
      var ours = [];
      for (var i = 0; i < window.localStorage.length; i += 1) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(STORE_PREFIX) === 0 && (keep || []).indexOf(key) === -1) ours.push(key);
      }
      ours.forEach(function (key) { window.localStorage.removeItem(key); });
    } catch (error) {
      /* Storage disabled: nothing was stored. */
    }
  }

  function isObject(value) {
    return Boolean(value) && typeof value === "object" && !Array.isArray(value);
  }

  /* The applications as stored: {version, profile, applications}. What is stored was checked
     when it was written (by this script, the tracker, or the tracker's import). */
  function loadApplications() {
    var store = load(STORE_APPLICATIONS);
    return {
      version: 1,
      profile: isObject(store.profile) ? store.profile : {},
      applications: Array.isArray(store.applications) ? store.applications.filter(isObject) : []
    };
  }

  function saveApplications(store) {
    save(STORE_APPLICATIONS, store);
  }

  /* How an application is named in lists: "Company, job title". */
  function applicationName(application) {
    var details = application.details || {};
    var company = String(details.company || "").trim() || _("Application without a company name");
    var role = String(details.role || "").trim();
    return role ? _("{company}, {role}", { company: company, role: role }) : company;
  }

  /* A real calendar date, YYYY-MM-DD, within years a plan can use (a date field takes a
     six-digit year if one is typed). */
  function validDate(text) {
    var date = typeof text === "string" ? parseDate(text) : null;
    return Boolean(date) && isoDate(date) === text && date.getUTCFullYear() >= 1990 && date.getUTCFullYear() <= 2200;
  }

  /* Today in the reader's time zone, as a calendar date (UTC midnight, like parseDate). */
  function today() {
    var now = new Date();
    return new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()));
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
    var numbers = { size: measure.size, max: limit.max, over: measure.size - limit.max };
    var text = limit.unit === "words"
      ? _("{size} of about {max} words", numbers)
      : _("{size} of {max} characters", numbers);
    if (measure.over) text = _("{count}: {over} over the limit, shorten it", { count: text, over: numbers.over });
    if (measure.examples) {
      text = _("{count} (blanks you have not filled in count as their examples)", { count: text });
    }
    return _("{text}.", { text: text });
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

  /* ---- Business days: a country's weekend and public holidays ---- */

  function toSet(list) {
    var set = {};
    (list || []).forEach(function (item) { set[item] = true; });
    return set;
  }

  /* The rules of a country file (assets/holidays/<CC>.json) for the whole country or one of
     its subdivisions, as build_scripts/business_days.py `calendar` reads them. Weekdays are
     ISO numbers, 1 Monday ... 7 Sunday. */
  function makeCalendar(data, region) {
    var holidays = toSet(data.holidays);
    var workdays = data.workdays;
    var weekend = data.weekend;
    var changes = data.weekend_changes || {};
    var own = region && data.subdivisions ? data.subdivisions[region] : null;
    if (own) {
      (own.add || []).forEach(function (day) { holidays[day] = true; });
      (own.remove || []).forEach(function (day) { delete holidays[day]; });
      if ("workdays" in own) workdays = own.workdays;
      if ("weekend" in own) weekend = own.weekend;
      if ("weekend_changes" in own) changes = own.weekend_changes;
    }
    return {
      weekend: weekend,
      changes: Object.keys(changes).sort().map(function (since) { return [since, changes[since]]; }),
      holidays: holidays,
      workdays: toSet(workdays),
      years: data.years || null
    };
  }

  /* Monday to Friday, no holidays: while a country's file loads, or when it cannot. */
  var WEEKDAYS_ONLY = makeCalendar({ weekend: [6, 7], holidays: [] });

  function weekendOn(calendar, iso) {
    var weekend = calendar.weekend;
    calendar.changes.forEach(function (change) {
      if (iso >= change[0]) weekend = change[1];
    });
    return weekend;
  }

  function isWeekend(calendar, date) {
    return weekendOn(calendar, isoDate(date)).indexOf(date.getUTCDay() || 7) !== -1;
  }

  function isBusinessDay(calendar, date) {
    var iso = isoDate(date);
    if (isWeekend(calendar, date)) return Boolean(calendar.workdays[iso]);
    return !calendar.holidays[iso];
  }

  /* `count` business days after `date` (before it when negative), each step to the next
     business day; 0 returns `date` as it is. Holidays passed over on a weekday are added to
     `skipped` (ISO dates), so the planner can say why a date moved. */
  function addBusinessDays(date, count, calendar, skipped) {
    var step = count >= 0 ? 1 : -1;
    var result = date;
    for (var done = 0; done < Math.abs(count); done += 1) {
      result = addDays(result, step);
      while (!isBusinessDay(calendar, result)) {
        if (skipped && !isWeekend(calendar, result)) skipped[isoDate(result)] = true;
        result = addDays(result, step);
      }
    }
    return result;
  }

  /* ---- Moments: a calendar date, plus minutes after midnight when a time is known ---- */

  function shift(moment, unit, amount, calendar, skipped) {
    if (unit === "business_days") {
      return { date: addBusinessDays(moment.date, amount, calendar || WEEKDAYS_ONLY, skipped), minutes: null };
    }
    if (unit === "days") return { date: addDays(moment.date, amount), minutes: null };
    if (moment.minutes === null) {
      return { date: addDays(moment.date, Math.floor(amount / 24)), minutes: null };
    }
    var total = moment.minutes + amount * 60;
    return { date: addDays(moment.date, Math.floor(total / 1440)), minutes: ((total % 1440) + 1440) % 1440 };
  }

  /* A reminder at a time of day never falls at night: it moves to the next morning. */
  function awake(moment) {
    if (moment.minutes === null || (moment.minutes >= NIGHT_ENDS && moment.minutes < NIGHT_STARTS)) {
      return moment;
    }
    return { date: moment.minutes >= NIGHT_STARTS ? addDays(moment.date, 1) : moment.date, minutes: MORNING };
  }

  function showDate(date, long) {
    var options = long
      ? { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }
      : { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" };
    return date.toLocaleDateString(dateLocale(), options);
  }

  function showTime(minutes) {
    return pad(Math.floor(minutes / 60)) + ":" + pad(minutes % 60);
  }

  function showMoment(moment) {
    var text = showDate(moment.date, true);
    if (moment.minutes === null) return text;
    return _("{date}, {time}", { date: text, time: showTime(moment.minutes) });
  }

  function isoDate(date) {
    return date.getUTCFullYear() + "-" + pad(date.getUTCMonth() + 1) + "-" + pad(date.getUTCDate());
  }

  /* Dates of every step: {earliest, ideal, latest, planned, reminder, skipped} or null when
     unknown. `planned` is what later steps count from; `reminder` is `planned` moved out of the
     night; `skipped` the public holidays on weekdays that business days passed over. */
  function planSteps(data, dates, calendar) {
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
      var skipped = {};
      ["earliest", "ideal", "latest"].forEach(function (bound) {
        if (step[bound] !== null && step[bound] !== undefined) {
          plan[bound] = shift(base, step.unit, step[bound], calendar, skipped);
        }
      });
      plan.planned = plan.ideal || plan.earliest || plan.latest;
      plan.reminder = awake(plan.planned);
      plan.moved = plan.reminder !== plan.planned;
      plan.skipped = Object.keys(skipped).sort();
      plans[index] = plan;
    });
    return plans;
  }

  /* A plan as the planner shows it under its step. */
  function planText(plan) {
    var parts = [];
    if (plan.earliest) parts.push(_("Earliest {moment}", { moment: showMoment(plan.earliest) }));
    if (plan.ideal) parts.push(_("Ideal {moment}", { moment: showMoment(plan.ideal) }));
    if (plan.latest) parts.push(_("Latest {moment}", { moment: showMoment(plan.latest) }));
    if (plan.moved) {
      parts.push(_("Reminder {moment}, moved out of the night", { moment: showMoment(plan.reminder) }));
    }
    var text = parts.join(" \u00b7 ");
    if (plan.skipped.length) {
      var days = plan.skipped.map(function (iso) { return showDate(parseDate(iso), false); });
      text += " " + (days.length === 1
        ? _("(skips the public holiday on {dates})", { dates: days[0] })
        : _("(skips the public holidays on {dates})", { dates: listText(days) }));
    }
    return text;
  }

  /* "a", "a and b", "a, b and c" in the edition's language. */
  function listText(items) {
    if (items.length < 2) return items.join("");
    return _("{first} and {last}", { first: items.slice(0, -1).join(_(", ")), last: items[items.length - 1] });
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

  function calendarFile(data, plans) {
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
      var start = plan.reminder;
      var end = start.minutes === null
        ? { date: addDays(start.date, 1), minutes: null }
        : shift(start, "hours", 0.5);
      var range = [];
      if (plan.earliest) range.push(_("earliest {moment}", { moment: showMoment(plan.earliest) }));
      if (plan.ideal) range.push(_("ideally {moment}", { moment: showMoment(plan.ideal) }));
      if (plan.latest) range.push(_("latest {moment}", { moment: showMoment(plan.latest) }));
      var template = data.templates.filter(function (t) { return t.id === step.template; })[0];
      var flags = [step.optional ? _("optional") : "", step.ours ? _("our suggestion") : ""]
        .filter(Boolean).join(_(", "));
      var description = _("{when} ({range}).", { when: step.when, range: range.join(_(", ")) });
      if (plan.moved) {
        description += " " + _("Moved to {moment}: {planned} falls at night (20:00 to 08:00).", {
          moment: showMoment(plan.reminder), planned: showMoment(plan.planned)
        });
      }
      if (plan.skipped.length) {
        description += " " + _("Business days skip the public holidays on {dates}.", {
          dates: listText(plan.skipped.map(function (iso) { return showDate(parseDate(iso), false); }))
        });
      }
      if (flags) description += " " + _("This step is {flags}.", { flags: flags });
      if (template) description += " " + _("Template: {title}.", { title: template.title });
      description += " " + window.location.href.split("#")[0];
      var summary = step.optional
        ? _("{step} (optional) ({scenario})", { step: step.title, scenario: data.title })
        : _("{step} ({scenario})", { step: step.title, scenario: data.title });
      lines.push(
        "BEGIN:VEVENT",
        "UID:" + data.id + "-" + step.id + "-" + isoDate(start.date) + "@followup-kit",
        "DTSTAMP:" + stamp,
        "DTSTART" + icsStamp(start),
        "DTEND" + icsStamp(end),
        "SUMMARY:" + icsEscape(summary),
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

  /* ---- Country files: fetched once per page load, when the planner is first used ---- */

  var fetched = {};

  function holidaysFile(name) {
    if (!fetched[name]) {
      var base = SCRIPT_URL || window.location.href;
      fetched[name] = window.fetch(new URL("holidays/" + name + ".json", base).href)
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        });
      /* A failure is not kept: choosing the country again tries again. */
      fetched[name].catch(function () { delete fetched[name]; });
    }
    return fetched[name];
  }

  function countryName(code) {
    try {
      return new Intl.DisplayNames([pageLanguage()], { type: "region" }).of(code) || code;
    } catch (error) {
      return code;
    }
  }

  function weekdayName(isoWeekday) {
    /* 2024-01-01 was a Monday. */
    return new Date(Date.UTC(2024, 0, isoWeekday)).toLocaleDateString(dateLocale(), {
      weekday: "long", timeZone: "UTC"
    });
  }

  /* ---- Quality meter ---- */

  function meterItems(template, email, data, values) {
    var items = [];
    var length = email.subject === null ? 0 : Array.from(email.subject).length;
    var sizes = { length: length, phone: PHONE_SUBJECT, desktop: DESKTOP_SUBJECT };
    if (email.subject === null) {
      items.push(["ok", _("Subject: none of its own; it goes as a reply in the existing thread.")]);
    } else if (length <= PHONE_SUBJECT) {
      items.push(["ok", _("Subject: {length} characters, short enough for a phone screen (about {phone}).", sizes)]);
    } else if (length <= DESKTOP_SUBJECT) {
      items.push(["warn", _("Subject: {length} characters. Phones show about {phone}, so the end may be cut off there.", sizes)]);
    } else {
      items.push(["bad", _("Subject: {length} characters. Desktop mail shows about {desktop} and phones about {phone}; shorten it.", sizes)]);
    }
    var words = { words: wordCount(email.body), min: data.body_words.min, max: data.body_words.max };
    if (words.words < words.min) {
      items.push(["warn", _("Body: {words} words, shorter than the {min}-{max} this situation calls for.", words)]);
    } else if (words.words > words.max) {
      items.push(["warn", _("Body: {words} words, longer than the {min}-{max} a busy reader takes in.", words)]);
    } else {
      items.push(["ok", _("Body: {words} words, within the {min}-{max} suggested.", words)]);
    }
    var blanks = missing(template, data, values);
    if (blanks.length) {
      items.push(["warn", _("Still blank: {blanks}.", { blanks: blanks.join(_(", ")) })]);
    } else {
      items.push(["ok", _("Every blank is filled in.")]);
    }
    var text = ((email.subject || "") + "\n" + email.body).toLowerCase();
    var found = data.avoid.filter(function (phrase) { return text.indexOf(phrase) !== -1; });
    if (found.length) {
      var quoted = found.map(function (phrase) { return _("“{phrase}”", { phrase: phrase }); });
      items.push(["bad", _("Avoid: {phrases}.", { phrases: quoted.join(_(", ")) })]);
    }
    return items;
  }

  function renderMeter(element, items) {
    element.textContent = "";
    var heading = document.createElement("p");
    heading.className = "fu-meter-title";
    heading.textContent = _("Check before sending");
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

  /* The tracker page's script, fetched only on that page; on later visits (Material's instant
     navigation keeps scripts) it is run again. */
  function loadTracker() {
    if (window.followupTracker) {
      window.followupTracker.init();
      return;
    }
    if (document.querySelector("script[data-fu-tracker-script]")) return;
    var script = document.createElement("script");
    script.src = new URL("followup-tracker.js", SCRIPT_URL || window.location.href).href;
    script.setAttribute("data-fu-tracker-script", "");
    document.body.appendChild(script);
  }

  function init() {
    edition = readEdition();
    if (document.querySelector("[data-fu-tracker]")) loadTracker();
    var source = document.getElementById("fu-data");
    if (!source) return;
    var data;
    try { data = JSON.parse(source.getAttribute("data-fu-json")); } catch (error) { return; }
    var root = source.closest("article") || document;
    if (root.dataset && root.dataset.fuReady) return;
    if (root.dataset) root.dataset.fuReady = "1";

    var values = load(STORE_DETAILS);
    var dates = loadDates();
    var reloadPlanner = function () {};
    /* The application the reader writes for (null: this page's own details), chosen in the
       details form or by the link from My applications (?application=ID). */
    var store = loadApplications();
    var application = null;

    function findApplication(id) {
      return store.applications.filter(function (a) { return a.id === id; })[0] || null;
    }

    function applicationValues(app) {
      var result = {};
      Object.keys(app.details || {}).forEach(function (key) { result[key] = String(app.details[key]); });
      PROFILE_KEYS.forEach(function (key) {
        if (typeof store.profile[key] === "string") result[key] = store.profile[key];
      });
      return result;
    }

    /* Writes go to the application when one is chosen (reread first: the tracker may have
       changed it in another tab), else to this browser's details for the scenario pages. */
    function saveValues() {
      if (!application) {
        save(STORE_DETAILS, values);
        return;
      }
      store = loadApplications();
      var app = findApplication(application.id);
      if (!app) return;
      app.details = app.details || {};
      Object.keys(values).forEach(function (key) {
        if (PROFILE_KEYS.indexOf(key) !== -1) store.profile[key] = values[key];
        else app.details[key] = values[key];
      });
      app.updated = new Date().toISOString();
      application = app;
      saveApplications(store);
    }

    function saveDates() {
      if (!application) {
        save(STORE_DATES, dates);
        return;
      }
      store = loadApplications();
      var app = findApplication(application.id);
      if (!app) return;
      app.dates = dates;
      app.updated = new Date().toISOString();
      application = app;
      saveApplications(store);
    }

    function savePlace(place) {
      if (!application) {
        save(STORE_CALENDAR, place);
        return;
      }
      store = loadApplications();
      var app = findApplication(application.id);
      if (!app) return;
      app.country = place.country;
      app.region = place.region;
      application = app;
      saveApplications(store);
    }
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
    var picker = root.querySelector("[data-fu-app]");
    var NEW_APPLICATION = "+new";

    function newId() {
      var bytes = new Uint8Array(9);
      window.crypto.getRandomValues(bytes);
      return Array.from(bytes, function (byte) { return (byte % 36).toString(36); }).join("");
    }

    function copyOf(object) {
      var result = {};
      Object.keys(object || {}).forEach(function (key) { result[key] = object[key]; });
      return result;
    }

    /* Write for `app` (null: this page's own details) from now on, and show its details. */
    function useApplication(app) {
      application = app || null;
      values = app ? applicationValues(app) : load(STORE_DETAILS);
      dates = app ? copyOf(app.dates) : loadDates();
      save(STORE_WRITING_FOR, { id: app ? app.id : "" });
      showInputs();
      reloadPlanner();
      fillPicker();
      render();
    }

    function showInputs() {
      inputs.forEach(function (input) { input.value = values[input.getAttribute("data-fu-key")] || ""; });
      if (sender) sender.value = values.__sender || "";
    }

    /* The picker lists the open applications (and the chosen one, even if closed). */
    function fillPicker() {
      if (!picker) {
        showMarkButtons();
        return;
      }
      store = loadApplications();
      var shown = store.applications.filter(function (a) {
        return !a.closed || (application && a.id === application.id);
      });
      picker.textContent = "";
      var add = function (value, text) {
        var item = document.createElement("option");
        item.value = value;
        item.textContent = text;
        picker.appendChild(item);
      };
      add("", _("Nobody in particular (this page's own details)"));
      shown.forEach(function (a) { add(a.id, applicationName(a)); });
      add(NEW_APPLICATION, _("Save these details as a new application"));
      picker.value = application ? application.id : "";
      root.querySelector("[data-fu-app-pick]").hidden = false;
      showMarkButtons();
    }

    /* Steps of the chosen application, in this scenario, that use `templateId` and are not done. */
    function pendingSteps(templateId) {
      if (!application || application.scenario !== data.id || application.closed) return [];
      var done = application.steps || {};
      return data.timeline.filter(function (step) { return step.template === templateId && !done[step.id]; });
    }

    function showMarkButtons() {
      Array.prototype.forEach.call(root.querySelectorAll(".fu-template[data-template]"), function (box) {
        var button = box.querySelector("[data-fu-mark-sent]");
        if (button) button.hidden = !pendingSteps(box.getAttribute("data-template")).length;
      });
    }

    var requested = new URLSearchParams(window.location.search).get("application");
    if (requested === null) requested = load(STORE_WRITING_FOR).id || "";
    if (requested && findApplication(requested)) {
      application = findApplication(requested);
      values = applicationValues(application);
      dates = copyOf(application.dates);
    }

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
            ? _("Open in email app is off: this email is too long for a mail link ({length} characters; mail apps break near 2,000). Use Copy email or Download .eml instead.", { length: href.length })
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
            var limit = { channel: variant.label, max: variant.limit.max };
            announce(panel.querySelector("[data-fu-counter-alert]"), variant.limit.unit === "words"
              ? (measure.over ? _("{channel}: now over the limit of {max} words.", limit)
                : _("{channel}: back within the limit of {max} words.", limit))
              : (measure.over ? _("{channel}: now over the limit of {max} characters.", limit)
                : _("{channel}: back within the limit of {max} characters.", limit)));
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
            ["info", _("Once you fill in your details above, this checks your email: subject length, word count, blanks left and phrases to avoid.")]
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
        input.addEventListener("input", function () {
          values[input.getAttribute("data-fu-key")] = input.value;
          saveValues();
          render();
        });
      });
      if (sender) {
        sender.addEventListener("input", function () {
          values.__sender = sender.value;
          saveValues();
        });
      }
      showInputs();
      panel.addEventListener("submit", function (event) { event.preventDefault(); });
      if (picker) {
        picker.addEventListener("change", function () {
          store = loadApplications();
          if (picker.value === NEW_APPLICATION) {
            /* The country the planner counts with now, so every edition counts the same days. */
            var place = load(STORE_CALENDAR);
            var known = /^[A-Z]{2}$/.test(place.country || "");
            var app = {
              id: newId(), scenario: data.id, details: {}, dates: {}, steps: {}, notes: "",
              country: known ? place.country : /^[A-Z]{2}$/.test(String(edition.country || "")) ? edition.country : DEFAULT_COUNTRY,
              region: known && typeof place.region === "string" ? place.region : "",
              created: isoDate(today()), updated: new Date().toISOString(), closed: null,
              history: [{ on: isoDate(today()), event: "created", to: data.id }]
            };
            Object.keys(values).forEach(function (key) {
              if (PROFILE_KEYS.indexOf(key) !== -1) store.profile[key] = values[key];
              else app.details[key] = values[key];
            });
            Object.keys(dates).forEach(function (key) { app.dates[key] = dates[key]; });
            store.applications.push(app);
            saveApplications(store);
            useApplication(app);
            announce(panelStatus, _("Saved as a new application: {name}. It is on My applications now.", { name: applicationName(app) }));
          } else {
            useApplication(findApplication(picker.value));
            announce(panelStatus, application
              ? _("Writing for {name}: its details fill the templates.", { name: applicationName(application) })
              : _("Writing for nobody in particular: this page's own details fill the templates."));
          }
        });
      }
      var clear = panel.querySelector("[data-fu-clear]");
      clear.addEventListener("click", function () {
        values = {};
        dates = {};
        application = null;
        /* The applications are not this page's to delete: My applications does that. */
        forgetAll([STORE_APPLICATIONS]);
        showInputs();
        reloadPlanner();
        fillPicker();
        render();
        announce(panelStatus, loadApplications().applications.length
          ? _("Your details, planner dates and country were cleared from this browser. Your applications are kept; My applications can delete them.")
          : _("Your details, planner dates and country were cleared from this browser."));
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
                announce(variantStatus, subject ? _("Subject copied to the clipboard.")
                  : _("{channel} copied to the clipboard.", { channel: variant.label }));
              },
              function () { announce(variantStatus, _("Copying was blocked by the browser; select the text and copy it by hand.")); }
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
            : _("Subject: {subject}", { subject: email.subject }) + "\n\n" + email.body;
          var done = template.reply
            ? _("Copied. Paste it into a reply in the existing thread, so it keeps the thread's subject.")
            : part === "subject" ? _("Subject copied to the clipboard.")
            : part === "body" ? _("Body copied to the clipboard.")
            : _("Email copied to the clipboard.");
          copyText(text).then(
            function () { announce(status, done); },
            function () { announce(status, _("Copying was blocked by the browser; select the text and copy it by hand.")); }
          );
        });
      });
      var mailOff = actions.querySelector("[data-fu-mailto-off]");
      if (mailOff) {
        mailOff.addEventListener("click", function () {
          announce(status, _("This email is too long to open in a mail app ({length} characters as a link; mail apps break near 2,000). Use Copy email instead.", { length: mailOff.dataset.length }));
        });
      }
      var mark = actions.querySelector("[data-fu-mark-sent]");
      if (mark) {
        mark.addEventListener("click", function () {
          var step = pendingSteps(template.id)[0];
          if (!step) return;
          store = loadApplications();
          var app = findApplication(application.id);
          if (!app) return;
          app.steps = app.steps || {};
          app.steps[step.id] = { state: "sent", on: isoDate(today()) };
          app.updated = new Date().toISOString();
          saveApplications(store);
          application = app;
          showMarkButtons();
          if (mark.hidden) actions.querySelector("button, a").focus();  /* it hid itself */
          announce(status, _("Marked as sent for {name}: {step}. My applications plans the next step from today.", {
            name: applicationName(app), step: step.title
          }));
        });
      }
      var eml = actions.querySelector("[data-fu-eml]");
      if (eml) {  /* a reply in a thread has no draft: a draft would start a new thread */
        eml.addEventListener("click", function () {
          var email = filled(template, data, values);
          download(data.id + "-" + template.id + ".eml", "message/rfc822", emlFile(email, data, values));
          announce(status, _("Draft downloaded: open it in your mail app."));
        });
      }
    });

    var planner = root.querySelector("[data-fu-planner]");
    if (planner) {
      planner.hidden = false;
      var plannerStatus = root.querySelector("[data-fu-planner-status]");
      var calendarStatus = root.querySelector("[data-fu-calendar-status]");
      var countrySelect = planner.querySelector("[data-fu-country]");
      var regionSelect = planner.querySelector("[data-fu-region]");
      var regionField = planner.querySelector("[data-fu-region-field]");
      var dateInputs = Array.prototype.slice.call(planner.querySelectorAll("[data-fu-anchor]"));
      var timeInputs = Array.prototype.slice.call(planner.querySelectorAll("[data-fu-time]"));
      /* The reader's country and region; the calendar in use (Monday to Friday until the
         country's file is loaded); `wanted` is the choice the last load was started for. */
      var place = {};
      var calendar = WEEKDAYS_ONLY;
      var wanted = "";
      var index = null;

      var chosenPlace = function () {
        var stored = application ? { country: application.country, region: application.region }
          : load(STORE_CALENDAR);
        var country = /^[A-Z]{2}$/.test(stored.country || "") ? stored.country
          : /^[A-Z]{2}$/.test(String(edition.country || "")) ? edition.country : DEFAULT_COUNTRY;
        return { country: country, region: typeof stored.region === "string" ? stored.region : "" };
      };

      var placeName = function () {
        var regions = index && index.countries[place.country];
        var country = countryName(place.country);
        return place.region && regions && regions[place.region]
          ? _("{region} ({country})", { region: regions[place.region], country: country })
          : country;
      };

      var option = function (value, text) {
        var item = document.createElement("option");
        item.value = value;
        item.textContent = text;
        return item;
      };

      /* The country select lists every country of the index, named in the page's language;
         until the index is there, it holds the chosen country alone. */
      var fillCountries = function () {
        var codes = index ? Object.keys(index.countries) : [place.country];
        if (codes.indexOf(place.country) === -1) codes.push(place.country);
        var named = codes.map(function (code) { return [code, countryName(code)]; });
        named.sort(function (a, b) { return a[1].localeCompare(b[1], pageLanguage()); });
        countrySelect.textContent = "";
        named.forEach(function (pair) { countrySelect.appendChild(option(pair[0], pair[1])); });
        countrySelect.value = place.country;
      };

      var fillRegions = function () {
        var regions = (index && index.countries[place.country]) || {};
        var codes = Object.keys(regions);
        regionSelect.textContent = "";
        regionField.hidden = codes.length === 0;
        if (!codes.length) return;
        regionSelect.appendChild(option("", _("Whole country: national holidays only")));
        codes.sort(function (a, b) { return regions[a].localeCompare(regions[b], pageLanguage()); });
        codes.forEach(function (code) { regionSelect.appendChild(option(code, regions[code])); });
        regionSelect.value = regions[place.region] ? place.region : "";
      };

      var used = function () {
        return dateInputs.some(function (input) { return Boolean(input.value); });
      };

      var showDates = function () {
        var plans = planSteps(data, dates, calendar);
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
          target.textContent = planText(plan);
          target.hidden = false;
        });
        return plans;
      };

      /* Load the chosen country's file (once per page load) and count with it; until then,
         and if it cannot be loaded, business days are Monday to Friday, and the status says so. */
      var useCalendar = function () {
        var key = place.country + "/" + place.region;
        if (key === wanted) return;
        wanted = key;
        calendar = WEEKDAYS_ONLY;
        showDates();
        announce(calendarStatus, _("Loading the public holidays of {place}; until then business days are Monday to Friday.", { place: placeName() }));
        Promise.all([holidaysFile("index"), holidaysFile(place.country)]).then(function (files) {
          if (wanted !== key) return;
          if (!index) {
            index = files[0];
            fillCountries();
            fillRegions();
          }
          calendar = makeCalendar(files[1], place.region);
          var weekend = calendar.weekend.map(weekdayName);
          announce(calendarStatus, _("Business days skip {weekend} and the public holidays of {place}, known for {first} to {last}.", {
            weekend: listText(weekend), place: placeName(),
            first: calendar.years ? calendar.years[0] : "", last: calendar.years ? calendar.years[1] : ""
          }));
          showDates();
        }, function () {
          if (wanted !== key) return;
          wanted = "";  /* the next change tries again */
          announce(calendarStatus, _("Sorry, the public holidays of {place} could not be loaded, so business days are Monday to Friday. Choose the country again to retry.", { place: placeName() }));
        });
      };

      place = chosenPlace();
      fillCountries();
      fillRegions();
      /* The index (every country and its regions) fills the selects; a country's own file
         waits until the planner is used. */
      holidaysFile("index").then(function (loaded) {
        if (index) return;
        index = loaded;
        fillCountries();
        fillRegions();
      }, function () { /* the select keeps the chosen country; useCalendar says what failed */ });
      countrySelect.addEventListener("change", function () {
        place = { country: countrySelect.value, region: "" };
        savePlace(place);
        fillRegions();
        useCalendar();
      });
      regionSelect.addEventListener("change", function () {
        place = { country: place.country, region: regionSelect.value };
        savePlace(place);
        useCalendar();
      });

      dateInputs.forEach(function (input) {
        input.value = dates[input.getAttribute("data-fu-anchor")] || "";
        input.addEventListener("input", function () {
          /* A date with a mistyped year is not kept (nor planned with) until it is a date. */
          dates[input.getAttribute("data-fu-anchor")] = validDate(input.value) ? input.value : "";
          saveDates();
          showDates();
          if (input.value) useCalendar();
        });
      });
      timeInputs.forEach(function (input) {
        var key = timeKey(input.getAttribute("data-fu-time"));
        input.value = dates[key] || "";
        input.addEventListener("input", function () {
          dates[key] = input.value;
          saveDates();
          showDates();
        });
      });
      reloadPlanner = function () {
        dateInputs.forEach(function (input) { input.value = dates[input.getAttribute("data-fu-anchor")] || ""; });
        timeInputs.forEach(function (input) { input.value = dates[timeKey(input.getAttribute("data-fu-time"))] || ""; });
        place = chosenPlace();
        fillCountries();
        fillRegions();
        wanted = "";
        calendar = WEEKDAYS_ONLY;
        if (calendarStatus) calendarStatus.textContent = "";
        showDates();
        if (used()) useCalendar();
      };
      showDates();
      /* Dates kept from an earlier visit: the planner is in use. */
      if (used()) useCalendar();
      planner.addEventListener("submit", function (event) { event.preventDefault(); });
      planner.querySelector("[data-fu-ics]").addEventListener("click", function () {
        var plans = showDates();
        if (!plans.some(Boolean)) {
          announce(plannerStatus, _("Enter a date above first, then add the reminders."));
          return;
        }
        download(data.id + "-reminders.ics", "text/calendar", calendarFile(data, plans));
        announce(plannerStatus, _("Calendar file downloaded: open it to add the reminders."));
      });
    }

    fillPicker();
    render();
  }

  /* The planner's arithmetic, for the tests that hold it to build_scripts/business_days.py:
     `count` business days after `start` (ISO dates) with a country file's data. */
  window.followupKit = Object.freeze({
    addBusinessDays: function (countryData, region, start, count) {
      return isoDate(addBusinessDays(parseDate(start), count, makeCalendar(countryData, region)));
    },
    /* What the tracker page's script (followup-tracker.js) shares with this one. */
    core: Object.freeze({
      _: _, edition: function () { return edition; }, pageLanguage: pageLanguage,
      load: load, save: save, forgetAll: forgetAll, announce: announce, isObject: isObject,
      loadApplications: loadApplications, saveApplications: saveApplications,
      applicationName: applicationName, today: today, validDate: validDate, PROFILE_KEYS: PROFILE_KEYS,
      STORE_CALENDAR: STORE_CALENDAR, DEFAULT_COUNTRY: DEFAULT_COUNTRY,
      parseDate: parseDate, isoDate: isoDate, addDays: addDays, shift: shift, awake: awake,
      makeCalendar: makeCalendar, WEEKDAYS_ONLY: WEEKDAYS_ONLY, holidaysFile: holidaysFile,
      countryName: countryName, showDate: showDate, showMoment: showMoment, listText: listText,
      timeKey: timeKey, pad: pad, icsEscape: icsEscape, icsFold: icsFold, icsStamp: icsStamp,
      download: download
    })
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
