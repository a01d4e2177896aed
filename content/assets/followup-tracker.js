/* followup-kit: "My applications", a private tracker of every application the reader follows up
   on. It lists what to send today, what is overdue and what comes next, from each application's
   scenario timeline and dates (business days of the application's country), and opens the right
   template already filled in. Loaded by followup.js on the tracker page only, and built on what
   followup.js shares (window.followupKit.core): its texts, dates, business days and storage.

   The applications stay in this browser (localStorage, "followup-kit:applications"); they leave
   it only as files the reader downloads (JSON, CSV, .ics). An import is checked field by field
   and copied into fresh objects; nothing read from a file or from storage is ever written into
   the page as markup. The page's service worker (my-applications/sw.js) keeps the page usable
   without a connection once it has been loaded. */
(function () {
  "use strict";

  var kit = window.followupKit && window.followupKit.core;
  if (!kit) return;

  /* `text` in the edition's language: this script's translations come with the page's data
     (followup.js's, which every page carries, do not hold them). */
  function _(text, values) {
    var strings = data && data.strings;
    var translated = strings && Object.prototype.hasOwnProperty.call(strings, text) ? strings[text] : text;
    return kit._(translated, values);
  }

  var FORMAT = "followup-kit applications";
  var VERSION = 1;
  var MAX_FILE = 1024 * 1024;
  var MAX_APPLICATIONS = 500;
  var MAX_NAME = 200;
  var MAX_TEXT = 2000;
  var MAX_HISTORY = 200;
  var UPCOMING_DAYS = 14;
  var ID = /^[a-z0-9]{6,40}$/;
  var SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var KEY = /^(?:[a-z][a-z0-9_]{0,39}|__sender)$/;
  var DATE = /^\d{4}-\d{2}-\d{2}$/;
  var TIME = /^\d{2}:\d{2}$/;
  var COUNTRY = /^[A-Z]{2}$/;
  var REGION = /^[A-Za-z0-9-]{0,10}$/;
  /* What no field of an export has: markup and script addresses. */
  var HOSTILE = /<\s*\/?\s*[a-z!?]|javascript\s*:|data\s*:\s*text\/html/i;
  var EVENTS = ["created", "reply", "moved", "closed", "reopened"];
  var STATES = ["sent", "skipped"];

  var data = null;
  var root = null;
  var store = null;
  var calendars = {};
  var index = null;
  var editing = null;

  /* ---- Small DOM helpers: text only, never markup ---- */

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function button(text, action, extra) {
    var attributes = { type: "button", class: "md-button", "data-act": action, text: text };
    Object.keys(extra || {}).forEach(function (key) { attributes[key] = extra[key]; });
    return el("button", attributes);
  }

  /* Said politely, and shown at the bottom of the screen for a few seconds (the region stays in the
     page, so a screen reader has read it by then). */
  var statusTimer = null;

  function status(message) {
    var region = root.querySelector("[data-fu-tracker-status]");
    kit.announce(region, message);
    window.clearTimeout(statusTimer);
    statusTimer = window.setTimeout(function () {
      if (region.textContent === message) region.textContent = "";
    }, 7000);
  }

  function alertText(message) {
    kit.announce(root.querySelector("[data-fu-tracker-alert]"), message);
  }

  /* ---- The store ---- */

  function load() {
    store = kit.loadApplications();
    return store;
  }

  function persist() {
    kit.saveApplications(store);
  }

  function find(id) {
    return store.applications.filter(function (a) { return a.id === id; })[0] || null;
  }

  function newId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, function (byte) { return (byte % 36).toString(36); }).join("");
  }

  /* A file name for an application: its company in plain letters, else its id. */
  function fileName(app) {
    var company = String((app.details || {}).company || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
    return company || app.id;
  }

  function todayIso() {
    return kit.isoDate(kit.today());
  }

  function touch(app) {
    app.updated = new Date().toISOString();
  }

  function name(app) {
    return kit.applicationName(app);
  }

  function scenarioOf(app) {
    return data.scenarios[app.scenario] || null;
  }

  function moves(app) {
    return (app.history || []).filter(function (h) { return h.event === "reply" || h.event === "moved"; });
  }

  /* The number of moves so far: a new round of the plan starts with each. */
  function round(app) {
    return moves(app).length;
  }

  /* The scenario for an application whose employer let their stated decision date pass without
     news (the one a reply "they gave me a date" leads to), when its own plan does not already
     count from that date; null otherwise. */
  function deadlinePassed(app, day) {
    var reply = data.replies.filter(function (r) { return r.anchor === "decision_date"; })[0];
    var target = reply && reply.scenario;
    var scenario = scenarioOf(app);
    var date = kit.parseDate((app.dates || {}).decision_date);
    if (!target || !scenario || app.closed || app.scenario === target || !date || date >= day) return null;
    if (scenario.anchors.indexOf("decision_date") !== -1) return null;
    var last = moves(app).pop();
    if (last && last.on >= app.dates.decision_date) return null;
    return target;
  }

  /* Move `app` on to `scenario`: its plan starts again (the steps done so far go to history). */
  function moveOn(app, scenario, entry) {
    app.history = app.history || [];
    entry.from = app.scenario;
    entry.to = scenario;
    entry.steps = app.steps || {};
    entry.dates = {};
    Object.keys(app.dates || {}).forEach(function (key) { entry.dates[key] = app.dates[key]; });
    entry.on = todayIso();
    app.history.push(entry);
    app.scenario = scenario;
    app.steps = {};
    touch(app);
  }

  /* ---- Business days: each application counts with its own country ---- */

  function place(app) {
    var stored = kit.load(kit.STORE_CALENDAR);
    var edition = kit.edition();
    var country = COUNTRY.test(app.country || "") ? app.country
      : COUNTRY.test(stored.country || "") ? stored.country
      : COUNTRY.test(String(edition.country || "")) ? edition.country : kit.DEFAULT_COUNTRY;
    var region = COUNTRY.test(app.country || "") ? app.region || ""
      : country === stored.country ? stored.region || "" : "";
    return { country: country, region: typeof region === "string" ? region : "" };
  }

  function placeKey(where) {
    return where.country + "/" + where.region;
  }

  function calendarFor(app) {
    return calendars[placeKey(place(app))] || kit.WEEKDAYS_ONLY;
  }

  /* Load the holidays of every country in use; render again once they are there. */
  function loadCalendars() {
    var wanted = {};
    store.applications.forEach(function (app) { wanted[placeKey(place(app))] = place(app); });
    var missing = Object.keys(wanted).filter(function (key) { return !calendars[key]; });
    if (!missing.length) {
      root.setAttribute("data-fu-calendars", "ready");
      return Promise.resolve();
    }
    root.setAttribute("data-fu-calendars", "loading");
    return Promise.all(missing.map(function (key) {
      return kit.holidaysFile(wanted[key].country).then(function (file) {
        calendars[key] = kit.makeCalendar(file, wanted[key].region);
      }, function () { /* counted Monday to Friday; the page says so */ });
    })).then(function () {
      var failed = missing.filter(function (key) { return !calendars[key]; });
      root.setAttribute("data-fu-calendars", "ready");
      if (failed.length) {
        status(_("The public holidays of {places} could not be loaded, so business days there are Monday to Friday.", {
          places: kit.listText(failed.map(function (key) { return kit.countryName(key.split("/")[0]); }))
        }));
      }
      renderAll();
      keepOffline(false);
    });
  }

  /* ---- The plan of an application: every step of its scenario with its dates and state ---- */

  /* The day a plan started: the application's last move, or the day it was added. Steps whose
     time was over before then were not this plan's to send. */
  function planStart(app) {
    var last = moves(app).pop();
    return kit.parseDate(last ? last.on : app.created) || null;
  }

  /* Every step of a scenario (the application's own, or `scenarioId` with `marks` for an earlier
     round) with its dates: {step, number, mark, plan, blocked, missing, past}. A plan has moments
     ({date, minutes}) earliest/ideal/latest as the step gives them, `planned` (what later steps
     count from), `reminder`, `start` (when it can be sent: from the anchor for a "within"
     step) and `end` (by when: null for an "at least" step, which is never overdue). */
  function plan(app, scenarioId, marks) {
    var scenario = data.scenarios[scenarioId || app.scenario];
    if (!scenario) return [];
    var calendar = calendarFor(app);
    var done = marks || app.steps || {};
    var since = scenarioId ? null : planStart(app);
    var rows = [];
    scenario.timeline.forEach(function (step, i) {
      var row = { step: step, number: i + 1, mark: done[step.id] || null, plan: null, blocked: false, missing: null, past: false };
      var base = null;
      if (step.after_step) {
        var before = rows[step.after_step - 1];
        row.missing = before.missing;
        if (!before.mark && !before.past) row.blocked = true;
        if (before.mark && before.mark.state === "sent" && kit.validDate(before.mark.on)) {
          base = { date: kit.parseDate(before.mark.on), minutes: null };
        } else if (before.plan) {
          base = before.plan.planned;
        }
        if (before.blocked) row.blocked = true;
      } else {
        var date = kit.validDate((app.dates || {})[step.anchor]) ? kit.parseDate(app.dates[step.anchor]) : null;
        if (date) {
          var time = /^(\d{2}):(\d{2})$/.exec((app.dates || {})[kit.timeKey(step.anchor)] || "");
          base = { date: date, minutes: time ? +time[1] * 60 + +time[2] : null };
        } else {
          row.missing = step.anchor;
        }
      }
      if (base) {
        var result = {};
        var given = function (bound) { return step[bound] !== null && step[bound] !== undefined; };
        ["earliest", "ideal", "latest"].forEach(function (bound) {
          if (given(bound)) result[bound] = kit.shift(base, step.unit, step[bound], calendar);
        });
        result.planned = result.ideal || result.earliest || result.latest;
        result.reminder = kit.awake(result.planned);
        result.start = result.earliest || result.ideal || base;
        result.end = result.latest || (!given("earliest") && result.ideal) || null;
        row.plan = result;
        row.past = !row.mark && !row.blocked && Boolean(since && result.end && result.end.date < since);
      }
      rows.push(row);
    });
    return rows;
  }

  /* The moment now, as plans count: today's date and the minutes since midnight. */
  function now() {
    var clock = new Date();
    return { date: kit.today(), minutes: clock.getHours() * 60 + clock.getMinutes() };
  }

  /* Whether `moment` is over at `at` (a day without a time lasts until its end). */
  function over(moment, at) {
    if (moment.date.getTime() !== at.date.getTime()) return moment.date < at.date;
    return moment.minutes !== null && moment.minutes < at.minutes;
  }

  /* Where a step stands at `at`: done, past (over before its plan started), waiting (for an
     earlier step), undated, overdue, now, soon (within UPCOMING_DAYS) or later. */
  function standing(row, at) {
    if (row.mark) return "done";
    if (row.past) return "past";
    if (row.blocked) return "waiting";
    if (!row.plan) return "undated";
    if (row.plan.end && over(row.plan.end, at)) return "overdue";
    var start = row.plan.start;
    if (start.date <= at.date && !(start.date.getTime() === at.date.getTime() && start.minutes !== null && start.minutes > at.minutes)) return "now";
    if (start.date <= kit.addDays(at.date, UPCOMING_DAYS)) return "soon";
    return "later";
  }

  var PENDING = ["overdue", "now", "soon", "later"];

  function linkFor(app, step) {
    var scenario = scenarioOf(app);
    var template = step.template && scenario.templates[step.template];
    var page = scenario.page.split("#")[0];
    var target = template ? template.link.split("#")[1] : "step-" + step.id;
    return page + "?application=" + encodeURIComponent(app.id) + "#" + target;
  }

  function sameDay(a, b) {
    return a.date.getTime() === b.date.getTime();
  }

  /* When a step is to be sent, as the lists say it at `at`. */
  function whenText(row, state, at) {
    var p = row.plan;
    var ideal = p.ideal && !over(p.ideal, at) && !(p.end && sameDay(p.ideal, p.end)) ? kit.showMoment(p.ideal) : "";
    if (state === "overdue") return _("Was due by {date}", { date: kit.showMoment(p.end) });
    if (state === "now") {
      if (!p.end) return _("Now: from {date}", { date: kit.showMoment(p.start) });
      var by = sameDay(p.end, at)
        ? (p.end.minutes === null ? _("Today, the last day") : _("Today, by {time}", { time: kit.showMoment(p.end) }))
        : _("Now, by {date} at the latest", { date: kit.showMoment(p.end) });
      return ideal && !sameDay(p.ideal, p.start) ? _("{when}, ideally {ideal}", { when: by, ideal: ideal }) : by;
    }
    var from = _("From {date}", { date: kit.showMoment(p.start) });
    if (ideal && !sameDay(p.ideal, p.start)) from = _("{when}, ideally {ideal}", { when: from, ideal: ideal });
    return p.end && !sameDay(p.end, p.start) ? _("{when}, by {date} at the latest", { when: from, date: kit.showMoment(p.end) }) : from;
  }

  /* ---- What to send today ---- */

  function renderToday() {
    var target = root.querySelector("[data-fu-today]");
    var at = now();
    root.querySelector("[data-fu-today-date]").textContent = _("Today is {date}.", { date: kit.showDate(at.date, true) });
    target.textContent = "";
    var groups = { overdue: [], now: [], soon: [], undated: [] };
    var open = store.applications.filter(function (app) { return !app.closed && scenarioOf(app); });
    open.forEach(function (app) {
      var next = deadlinePassed(app, at.date);
      if (next) groups.now.push({ app: app, row: null, state: "deadline", next: next, at: at });
      var rows = plan(app);
      var states = rows.map(function (row) { return standing(row, at); });
      /* A date is asked for here only while nothing else of the application is planned; its
         card lists every date its plan still needs. */
      var planned = states.some(function (state) { return PENDING.indexOf(state) !== -1; });
      var seen = {};
      rows.forEach(function (row, i) {
        var state = states[i];
        if (state === "undated") {
          if (planned || seen[row.missing]) return;
          seen[row.missing] = true;
        }
        if (groups[state]) groups[state].push({ app: app, row: row, state: state, at: at });
      });
    });
    if (!store.applications.length) {
      target.appendChild(el("p", { class: "fu-empty", text: _("No applications yet. Add your first one below: the company, where it stands and the dates you know.") }));
      return;
    }
    /* Overdue and due items by their last day, coming ones by their first. */
    var sortKey = function (item) {
      if (!item.row) return item.app.dates.decision_date;
      var p = item.row.plan;
      if (!p) return "";
      var moment = item.state === "soon" || !p.end ? p.start : p.end;
      return kit.isoDate(moment.date) + (moment.minutes === null ? "T24" : "T" + (1000 + moment.minutes));
    };
    var sections = [
      ["overdue", _("Overdue"), _("Nothing is overdue.")],
      ["now", _("Due now"), _("Nothing is due today.")],
      ["soon", _("Coming up in the next {days} days", { days: UPCOMING_DAYS }), _("Nothing in the next {days} days.", { days: UPCOMING_DAYS })],
      ["undated", _("Needs a date"), ""]
    ];
    sections.forEach(function (section) {
      var items = groups[section[0]].sort(function (a, b) { return sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0; });
      if (!items.length && !section[2]) return;
      var id = "fu-due-" + section[0];
      var box = el("div", { class: "fu-due-group fu-due-group-" + section[0], "data-fu-group": section[0] }, [
        el("h3", { id: id, tabindex: "-1", text: items.length ? _("{title} ({count})", { title: section[1], count: items.length }) : section[1] })
      ]);
      if (!items.length) box.appendChild(el("p", { class: "fu-empty", text: section[2] }));
      else box.appendChild(el("ul", { class: "fu-due-list", "aria-labelledby": id }, items.map(dueItem)));
      target.appendChild(box);
    });
  }

  function dueItem(item) {
    if (item.state === "deadline") return deadlineItem(item);
    var app = item.app;
    var row = item.row;
    var step = row.step;
    var scenario = scenarioOf(app);
    var titleId = "fu-due-" + app.id + "-" + step.id;
    var title = el("p", { class: "fu-due-title", id: titleId }, [
      el("strong", { text: name(app) }), " \u2014 ", item.state === "undated"
        ? _("needs a date to plan its follow-ups: {date}", { date: data.dates[row.missing] || row.missing })
        : step.title
    ]);
    /* "optional", unless the step's title says so already. */
    var flag = step.optional && step.title.toLowerCase().indexOf(_("optional").toLowerCase()) === -1;
    var meta = item.state === "undated" ? scenario.title
      : whenText(row, item.state, item.at) + " \u00b7 " + scenario.title + (flag ? " \u00b7 " + _("optional") : "");
    var actions = el("p", { class: "fu-actions" });
    if (item.state === "undated") {
      actions.appendChild(button(_("Add the date"), "edit", { "data-app": app.id, "data-focus": "date-" + row.missing, "aria-describedby": titleId }));
    } else {
      var template = step.template && scenario.templates[step.template];
      actions.appendChild(el("a", {
        class: "md-button md-button--primary", href: linkFor(app, step), "aria-describedby": titleId,
        text: template ? _("Open \u201c{template}\u201d, filled in", { template: template.title }) : _("Read this step")
      }));
      actions.appendChild(button(template ? _("Mark as sent") : _("Mark as done"), "sent", { "data-app": app.id, "data-step": step.id, "aria-describedby": titleId }));
      actions.appendChild(button(_("Skip"), "skip", { "data-app": app.id, "data-step": step.id, "aria-describedby": titleId }));
    }
    return el("li", { class: "fu-due fu-due-" + item.state, "data-app": app.id, "data-step": step.id }, [
      title, el("p", { class: "fu-due-when", text: meta }), actions
    ]);
  }

  function deadlineItem(item) {
    var app = item.app;
    var titleId = "fu-due-" + app.id + "-deadline";
    var next = data.scenarios[item.next];
    return el("li", { class: "fu-due fu-due-now", "data-app": app.id, "data-deadline": "" }, [
      el("p", { class: "fu-due-title", id: titleId }, [
        el("strong", { text: name(app) }), " \u2014 ",
        _("their decision date, {date}, has passed without news", { date: kit.showDate(kit.parseDate(app.dates.decision_date), true) })
      ]),
      el("p", { class: "fu-due-when", text: _("Next: {scenario}", { scenario: next.title }) }),
      el("p", { class: "fu-actions" }, [
        button(_("Plan the follow-ups of \u201c{scenario}\u201d", { scenario: next.title }), "deadline", {
          class: "md-button md-button--primary", "data-app": app.id, "data-to": item.next, "aria-describedby": titleId
        })
      ])
    ]);
  }

  /* ---- The applications ---- */

  /* A step on its application's card, with what it can do there: undo a mark, or mark as done
     (a step done already, or late; later steps then count from today). */
  function stepLine(app, row, at) {
    var state = standing(row, at);
    var text;
    var control = null;
    var small = { "data-app": app.id, "data-step": row.step.id, class: "md-button fu-small" };
    if (state === "done") {
      var on = kit.showDate(kit.parseDate(row.mark.on), true);
      text = row.mark.state === "sent" ? _("Done on {date}", { date: on }) : _("Skipped on {date}", { date: on });
      control = button(_("Undo"), "undo-step", Object.assign({ "aria-label": _("Undo: {step}", { step: row.step.title }) }, small));
    } else if (state === "waiting") {
      text = _("After step {number}", { number: row.step.after_step });
    } else if (state === "undated") {
      text = _("Needs {date}", { date: data.dates[row.missing] || row.missing });
    } else {
      text = state === "past" ? _("Its time was over before this plan started ({date})", { date: kit.showMoment(row.plan.end) })
        : state === "overdue" ? _("Overdue: {when}", { when: whenText(row, state, at) })
        : whenText(row, state, at);
      control = button(_("Mark as done"), "sent", Object.assign({ "aria-label": _("Mark as done: {step}", { step: row.step.title }) }, small));
    }
    return el("li", { class: "fu-plan-" + state, "data-step": row.step.id }, [
      el("span", { class: "fu-plan-step", text: row.step.title }),
      el("span", { class: "fu-plan-when" }, [text, control ? " " : null, control])
    ]);
  }

  function renderApps() {
    var target = root.querySelector("[data-fu-apps]");
    target.textContent = "";
    var at = now();
    var open = store.applications.filter(function (a) { return !a.closed; });
    var closed = store.applications.filter(function (a) { return a.closed; });
    open.forEach(function (app) { target.appendChild(card(app, at)); });
    if (closed.length) {
      var list = el("details", { class: "fu-closed" }, [
        el("summary", { text: _("Closed applications ({count})", { count: closed.length }) })
      ]);
      closed.forEach(function (app) { list.appendChild(card(app, at)); });
      target.appendChild(list);
    }
  }

  function card(app, at) {
    var scenario = scenarioOf(app);
    var where = place(app);
    var headingId = "fu-app-" + app.id;
    var details = app.details || {};
    var facts = [];
    if (scenario) {
      facts.push(el("li", {}, [_("Situation:") + " ", el("a", { href: scenario.page + "?application=" + encodeURIComponent(app.id), text: scenario.title })]));
    } else {
      facts.push(el("li", { text: _("Situation: {id}, which this site does not have; choose another with Edit.", { id: app.scenario }) }));
    }
    if (String(details.contact_name || "").trim()) facts.push(el("li", { text: _("Contact: {name}", { name: details.contact_name }) }));
    var dated = Object.keys(data.dates).filter(function (key) { return DATE.test((app.dates || {})[key] || ""); });
    if (dated.length) {
      facts.push(el("li", { text: dated.map(function (key) {
        return _("{label}: {date}", { label: data.dates[key], date: kit.showDate(kit.parseDate(app.dates[key]), true) });
      }).join(" \u00b7 ") }));
    }
    facts.push(el("li", { text: _("Business days: {place}", { place: placeName(where) }) }));
    if (app.closed) facts.push(el("li", { text: _("Closed on {date}", { date: kit.showDate(kit.parseDate(app.closed.on), true) }) }));
    var box = el("article", { class: "fu-app" + (app.closed ? " fu-app-closed" : ""), "data-app": app.id, "aria-labelledby": headingId }, [
      el("h3", { id: headingId, tabindex: "-1", text: name(app) }),
      el("ul", { class: "fu-app-facts" }, facts)
    ]);
    if (scenario && !app.closed) {
      box.appendChild(el("p", { class: "fu-plan-title", text: _("Follow-up plan") }));
      box.appendChild(el("ol", { class: "fu-plan" }, plan(app).map(function (row) { return stepLine(app, row, at); })));
    }
    if (String(app.notes || "").trim()) box.appendChild(el("p", { class: "fu-app-notes", text: app.notes }));
    var actions = el("p", { class: "fu-actions" });
    var describe = { "data-app": app.id, "aria-describedby": headingId };
    if (!app.closed) {
      actions.appendChild(button(_("Reply received"), "reply", Object.assign({ "aria-expanded": "false" }, describe)));
      actions.appendChild(button(_("Edit"), "edit", describe));
      actions.appendChild(button(_("Reminders (.ics)"), "ics", describe));
      actions.appendChild(button(_("Close"), "close", describe));
    } else {
      actions.appendChild(button(_("Reopen"), "reopen", describe));
    }
    actions.appendChild(button(_("Delete"), "delete", Object.assign({ class: "md-button fu-danger" }, describe)));
    box.appendChild(actions);
    var history = moves(app);
    if (history.length) {
      box.appendChild(el("details", { class: "fu-history" }, [
        el("summary", { text: _("How it went so far ({count})", { count: history.length }) }),
        el("ul", {}, history.map(function (h) {
          var reply = data.replies.filter(function (r) { return r.kind === h.reply; })[0] ||
            (h.reply === "deadline" ? { label: _("Their decision date passed without news") } : null);
          var to = data.scenarios[h.to];
          return el("li", { text: _("{date}: {reply} \u2192 {scenario}", {
            date: kit.showDate(kit.parseDate(h.on), true),
            reply: reply ? reply.label : h.reply === "edit" ? _("Changed with Edit") : h.reply,
            scenario: to ? to.title : h.to
          }) });
        })),
        el("p", {}, [button(_("Undo the last change"), "undo-move", Object.assign({ class: "md-button fu-small" }, describe))])
      ]));
    }
    return box;
  }

  function placeName(where) {
    var regions = index && index.countries[where.country];
    var country = kit.countryName(where.country);
    return where.region && regions && regions[where.region]
      ? _("{region} ({country})", { region: regions[where.region], country: country }) : country;
  }

  /* ---- Reply received: the application moves on to its next scenario ---- */

  function replyForm(app, anchor) {
    var formId = "fu-reply-" + app.id;
    var form = el("form", { class: "fu-reply-form", id: formId, "data-app": app.id, "aria-labelledby": formId + "-title" }, [
      el("h4", { id: formId + "-title", tabindex: "-1", text: _("Reply from {name}", { name: name(app) }) })
    ]);
    var fieldset = el("fieldset", {}, [el("legend", { text: _("What did they say?") })]);
    data.replies.forEach(function (reply, i) {
      var id = formId + "-" + reply.kind;
      fieldset.appendChild(el("div", { class: "fu-choice" }, [
        el("input", { type: "radio", name: "reply", id: id, value: reply.kind, checked: i === 0 }),
        el("label", { for: id, text: reply.label })
      ]));
    });
    form.appendChild(fieldset);
    var dateField = el("div", { class: "fu-field" }, [
      el("label", { for: formId + "-date", "data-fu-reply-date-label": true }),
      el("input", { type: "date", id: formId + "-date", name: "date" })
    ]);
    var select = scenarioSelect(formId + "-scenario", "scenario");
    var fields = el("div", { class: "fu-fields" }, [
      dateField,
      el("div", { class: "fu-field" }, [el("label", { for: formId + "-scenario", text: _("Plan the follow-ups of") }), select])
    ]);
    form.appendChild(fields);
    form.appendChild(el("p", { class: "fu-form-actions" }, [
      el("button", { type: "submit", class: "md-button md-button--primary", text: _("Move the application") }),
      " ",
      button(_("Cancel"), "reply-cancel", { "data-app": app.id })
    ]));
    var sync = function () {
      var kind = form.querySelector("input[name=reply]:checked").value;
      var reply = data.replies.filter(function (r) { return r.kind === kind; })[0];
      dateField.hidden = !reply.anchor;
      if (reply.anchor) {
        dateField.querySelector("label").textContent = data.dates[reply.anchor];
        var input = dateField.querySelector("input");
        var future = reply.anchor === "interview" || reply.anchor === "decision_date";
        input.value = (app.dates || {})[reply.anchor] && future ? "" : future ? "" : todayIso();
      }
      select.value = reply.scenario || app.scenario;
    };
    fieldset.addEventListener("change", sync);
    sync();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var kind = form.querySelector("input[name=reply]:checked").value;
      var reply = data.replies.filter(function (r) { return r.kind === kind; })[0];
      var date = form.querySelector("input[name=date]").value;
      load();
      var stored = find(app.id);
      if (!stored || !data.scenarios[select.value]) return;
      moveOn(stored, select.value, { event: "reply", reply: kind });
      stored.dates = stored.dates || {};
      if (reply.anchor && DATE.test(date)) {
        stored.dates[reply.anchor] = date;
        delete stored.dates[kit.timeKey(reply.anchor)];  /* the earlier one's time */
      }
      persist();
      renderAll();
      focusCard(stored.id);
      status(_("{name} moved on: the follow-ups of \u201c{scenario}\u201d are planned now.", {
        name: name(stored), scenario: data.scenarios[stored.scenario].title
      }));
    });
    return form;
  }

  function scenarioSelect(id, fieldName) {
    var select = el("select", { id: id, name: fieldName });
    data.categories.forEach(function (category) {
      var group = el("optgroup", { label: category.title });
      category.scenarios.forEach(function (sid) {
        group.appendChild(el("option", { value: sid, text: data.scenarios[sid].title }));
      });
      select.appendChild(group);
    });
    return select;
  }

  function focusCard(id) {
    var heading = root.querySelector("#fu-app-" + CSS.escape(id));
    if (!heading) return;
    var folded = heading.closest("details");
    if (folded) folded.open = true;  /* a closed application's card */
    heading.focus();
  }

  /* ---- Add and edit ---- */

  function openForm(app, focusName) {
    var form = root.querySelector("[data-fu-app-form]");
    editing = app ? app.id : null;
    form.hidden = false;
    root.querySelector("[data-fu-add]").setAttribute("aria-expanded", "true");
    var title = form.querySelector("[data-fu-form-title]");
    title.textContent = app ? _("Edit {name}", { name: name(app) }) : _("Add an application");
    var details = app ? app.details || {} : {};
    form.elements.company.value = details.company || "";
    form.elements.role.value = details.role || "";
    form.elements.contact_name.value = details.contact_name || "";
    form.elements.notes.value = app ? app.notes || "" : "";
    var select = form.querySelector("[data-fu-scenario-select]");
    if (!select.options.length) {
      var fresh = scenarioSelect("fu-app-scenario", "scenario");
      while (fresh.firstChild) select.appendChild(fresh.firstChild);
    }
    select.value = app && data.scenarios[app.scenario] ? app.scenario : data.categories[0].scenarios[0];
    form.querySelectorAll("[data-fu-error]").forEach(function (error) { error.textContent = ""; });
    form.elements.company.removeAttribute("aria-invalid");
    dateFields(app ? app.dates || {} : {});
    detailFields(app ? valuesOf(app) : {});
    var where = app ? place(app) : place({});
    fillCountries(where);
    var target = focusName && form.querySelector("[name='" + focusName + "']");
    (target || title).focus();
  }

  function closeForm() {
    var form = root.querySelector("[data-fu-app-form]");
    form.hidden = true;
    root.querySelector("[data-fu-add]").setAttribute("aria-expanded", "false");
    editing = null;
  }

  /* The key dates, and the dates the chosen scenario counts from. */
  function dateFields(values) {
    var form = root.querySelector("[data-fu-app-form]");
    var box = form.querySelector("[data-fu-date-fields]");
    var current = {};
    box.querySelectorAll("input").forEach(function (input) { current[input.name] = input.value; });
    var scenario = data.scenarios[form.querySelector("[data-fu-scenario-select]").value];
    var keys = data.key_dates.slice();
    (scenario ? scenario.anchors : []).forEach(function (key) { if (keys.indexOf(key) === -1) keys.push(key); });
    box.textContent = "";
    keys.forEach(function (key) {
      var needed = scenario && scenario.anchors.indexOf(key) !== -1;
      var value = values ? values[key] || "" : current["date-" + key] || "";
      box.appendChild(el("div", { class: "fu-field" + (needed ? " fu-needed" : "") }, [
        el("label", { for: "fu-app-date-" + key, text: data.dates[key] + (needed ? " " + _("(this situation counts from it)") : "") }),
        el("input", { type: "date", id: "fu-app-date-" + key, name: "date-" + key, value: value })
      ]));
      if (key === "interview") {
        var time = values ? values[kit.timeKey(key)] || "" : current["time-" + key] || "";
        box.appendChild(el("div", { class: "fu-field" }, [
          el("label", { for: "fu-app-time-" + key, text: _("{label} (optional)", { label: _("Time the interview ended") }) }),
          el("input", { type: "time", id: "fu-app-time-" + key, name: "time-" + key, value: time })
        ]));
      }
    });
  }

  /* The fields the form asks for itself; the scenario's other blanks come under "more". */
  var OWN_FIELDS = ["company", "role", "contact_name"];

  function valuesOf(app) {
    var values = {};
    Object.keys(app.details || {}).forEach(function (key) { values[key] = app.details[key]; });
    kit.PROFILE_KEYS.forEach(function (key) {
      if (typeof store.profile[key] === "string") values[key] = store.profile[key];
    });
    return values;
  }

  /* The chosen scenario's other blanks, with their labels and examples; what was typed into a
     blank stays when another scenario is chosen. */
  function detailFields(values) {
    var form = root.querySelector("[data-fu-app-form]");
    var box = form.querySelector("[data-fu-detail-fields]");
    var current = {};
    box.querySelectorAll("input").forEach(function (input) { current[input.name.slice(7)] = input.value; });
    var scenario = data.scenarios[form.querySelector("[data-fu-scenario-select]").value];
    var blanks = (scenario ? scenario.placeholders : []).filter(function (blank) {
      return OWN_FIELDS.indexOf(blank.key) === -1;
    });
    box.textContent = "";
    form.querySelector("[data-fu-more]").hidden = !blanks.length;
    blanks.forEach(function (blank) {
      var key = blank.key;
      var value = values ? values[key] || "" : current[key] || "";
      box.appendChild(el("div", { class: "fu-field" }, [
        el("label", { for: "fu-app-detail-" + key, text: blank.label }),
        el("input", { type: "text", id: "fu-app-detail-" + key, name: "detail-" + key, value: value, maxlength: MAX_NAME * 5,
          autocomplete: "off", placeholder: _("e.g. {example}", { example: blank.example }), "aria-describedby": "fu-app-detail-help-" + key }),
        el("span", { class: "fu-help", id: "fu-app-detail-help-" + key, text: blank.help })
      ]));
    });
  }

  function option(value, text) {
    return el("option", { value: value, text: text });
  }

  function fillCountries(where) {
    var form = root.querySelector("[data-fu-app-form]");
    var countries = form.querySelector("[data-fu-app-country]");
    var codes = index ? Object.keys(index.countries) : [];
    if (codes.indexOf(where.country) === -1) codes.push(where.country);
    var named = codes.map(function (code) { return [code, kit.countryName(code)]; });
    named.sort(function (a, b) { return a[1].localeCompare(b[1], kit.pageLanguage()); });
    countries.textContent = "";
    named.forEach(function (pair) { countries.appendChild(option(pair[0], pair[1])); });
    countries.value = where.country;
    fillRegions(where);
  }

  function fillRegions(where) {
    var form = root.querySelector("[data-fu-app-form]");
    var regions = (index && index.countries[where.country]) || {};
    var select = form.querySelector("[data-fu-app-region]");
    var codes = Object.keys(regions);
    select.textContent = "";
    form.querySelector("[data-fu-app-region-field]").hidden = !codes.length;
    if (!codes.length) return;
    select.appendChild(option("", _("Whole country: national holidays only")));
    codes.sort(function (a, b) { return regions[a].localeCompare(regions[b], kit.pageLanguage()); });
    codes.forEach(function (code) { select.appendChild(option(code, regions[code])); });
    select.value = regions[where.region] ? where.region : "";
  }

  function saveForm(event) {
    event.preventDefault();
    var form = root.querySelector("[data-fu-app-form]");
    var company = form.elements.company.value.trim();
    var error = form.querySelector("[data-fu-error=company]");
    var typed = Array.prototype.map.call(form.querySelectorAll("input[type=text], textarea"), function (input) { return input.value; });
    var problem = !company ? _("Enter the company's name.")
      : typed.some(function (text) { return HOSTILE.test(text); }) ? _("Please leave out markup such as <tags>.") : "";
    if (problem) {
      error.textContent = problem;
      form.elements.company.setAttribute("aria-invalid", "true");
      form.elements.company.focus();
      alertText(problem);
      return;
    }
    error.textContent = "";
    form.elements.company.removeAttribute("aria-invalid");
    var wrong = Array.prototype.filter.call(form.querySelectorAll("[data-fu-date-fields] input[type=date]"), function (input) {
      input.removeAttribute("aria-invalid");
      return input.value && !kit.validDate(input.value);
    })[0];
    if (wrong) {
      var label = form.querySelector("label[for='" + wrong.id + "']").textContent;
      wrong.setAttribute("aria-invalid", "true");
      wrong.focus();
      alertText(_("\u201c{label}\u201d is not a date this page can plan with; check the year.", { label: label }));
      return;
    }
    load();
    var app = editing ? find(editing) : null;
    var created = !app;
    if (!app) {
      app = { id: newId(), details: {}, dates: {}, steps: {}, history: [{ on: todayIso(), event: "created" }], closed: null, created: todayIso() };
      store.applications.push(app);
    }
    app.details = app.details || {};
    app.details.company = company;
    app.details.role = form.elements.role.value.trim();
    app.details.contact_name = form.elements.contact_name.value.trim();
    app.notes = form.elements.notes.value.trim().slice(0, MAX_TEXT);
    form.querySelectorAll("[data-fu-detail-fields] input").forEach(function (input) {
      var key = input.name.slice(7);
      var value = input.value.trim();
      var where = kit.PROFILE_KEYS.indexOf(key) !== -1 ? store.profile : app.details;
      if (value) where[key] = value;
      else delete where[key];
    });
    var scenario = form.elements.scenario.value;
    if (app.scenario && app.scenario !== scenario) moveOn(app, scenario, { event: "moved", reply: "edit" });
    app.scenario = scenario;
    if (created) app.history[0].to = scenario;
    app.dates = app.dates || {};
    form.querySelectorAll("[data-fu-date-fields] input").forEach(function (input) {
      var key = input.name.replace(/^(date|time)-/, "");
      var stored = input.type === "time" ? kit.timeKey(key) : key;
      if (input.value) app.dates[stored] = input.value;
      else delete app.dates[stored];
    });
    app.country = form.elements.country.value;
    app.region = form.elements.region.value || "";
    touch(app);
    persist();
    closeForm();
    renderAll();
    loadCalendars();
    focusCard(app.id);
    status(created ? _("Added {name}.", { name: name(app) }) : _("Saved {name}.", { name: name(app) }));
  }

  /* ---- Files: .ics, CSV, JSON ---- */

  function stamp() {
    var now = new Date();
    return now.getUTCFullYear() + kit.pad(now.getUTCMonth() + 1) + kit.pad(now.getUTCDate()) + "T" +
      kit.pad(now.getUTCHours()) + kit.pad(now.getUTCMinutes()) + kit.pad(now.getUTCSeconds()) + "Z";
  }

  /* Every step still to do of the open applications given, as one calendar. An event's UID is
     the application, the round of its plan and the step, so a calendar app that imports a newer
     file updates the event (SEQUENCE grows with time) instead of adding a second one. */
  function calendarFile(apps) {
    var lines = [
      "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//followup-kit//my applications//EN",
      "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:" + kit.icsEscape(_("Follow-ups"))
    ];
    var sequence = Math.floor(Date.now() / 60000) - 29000000;
    var dtstamp = stamp();
    var count = 0;
    var event = function (app, scenario, row, number, cancelled) {
      var start = row.plan.reminder;
      var end = start.minutes === null ? { date: kit.addDays(start.date, 1), minutes: null } : kit.shift(start, "hours", 0.5);
      var step = row.step;
      var template = step.template && scenario.templates[step.template];
      var summary = _("{step} ({company})", { step: step.title, company: name(app) });
      lines.push(
        "BEGIN:VEVENT",
        "UID:" + app.id + "-" + number + "-" + step.id + "@followup-kit",
        "SEQUENCE:" + sequence,
        "DTSTAMP:" + dtstamp,
        "DTSTART" + kit.icsStamp(start),
        "DTEND" + kit.icsStamp(end)
      );
      if (cancelled) {
        /* A reminder an earlier file added that is no longer wanted (done, skipped, replaced by
           a move, or its application closed): the same UID, cancelled. */
        lines.push("STATUS:CANCELLED", "SUMMARY:" + kit.icsEscape(summary), "TRANSP:TRANSPARENT", "END:VEVENT");
        return;
      }
      var link = new URL(linkFor(app, step), window.location.href).href;
      var description = _("{when} ({scenario}).", { when: step.when, scenario: scenario.title });
      if (template) description += " " + _("Template: {title}.", { title: template.title });
      description += " " + link;
      lines.push(
        "STATUS:CONFIRMED",
        "SUMMARY:" + kit.icsEscape(summary),
        "DESCRIPTION:" + kit.icsEscape(description),
        "URL:" + link,
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:" + kit.icsEscape(step.title),
        "TRIGGER;RELATED=START:" + (start.minutes === null ? "PT9H" : "-PT15M"),
        "END:VALARM", "END:VEVENT"
      );
      count += 1;
    };
    apps.forEach(function (app) {
      var scenario = scenarioOf(app);
      if (!scenario) return;
      /* The rounds before the last move: what they still planned then is cancelled. */
      moves(app).forEach(function (entry, number) {
        var earlier = data.scenarios[entry.from];
        if (!earlier) return;
        plan(app, entry.from, entry.steps || {}).forEach(function (row) {
          if (row.plan && !row.blocked) event(app, earlier, row, number, true);
        });
      });
      plan(app).forEach(function (row) {
        if (!row.plan || row.blocked) return;
        event(app, scenario, row, round(app), Boolean(app.closed || row.mark || row.past));
      });
    });
    lines.push("END:VCALENDAR");
    return { text: lines.map(kit.icsFold).join("\r\n") + "\r\n", count: count };
  }

  /* A spreadsheet cell: quoted when needed (RFC 4180), and never read as a formula. */
  function cell(value) {
    var text = String(value === null || value === undefined ? "" : value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function csvFile() {
    var at = now();
    var header = [_("Company"), _("Job title"), _("Contact"), _("Situation"), _("Status"), _("Next step"),
      _("Next step from"), _("Next step by"), _("Date you applied"), _("Interview date"),
      _("Employer's stated decision date"), _("Offer deadline"), _("Country"), _("Notes"), _("Last change")];
    var rows = [header];
    store.applications.forEach(function (app) {
      var details = app.details || {};
      var scenario = scenarioOf(app);
      var next = app.closed ? null : plan(app).filter(function (row) {
        return PENDING.indexOf(standing(row, at)) !== -1;
      })[0];
      var dates = app.dates || {};
      rows.push([
        details.company, details.role, details.contact_name, scenario ? scenario.title : app.scenario,
        app.closed ? _("closed") : _("open"),
        next ? next.step.title : "",
        next ? kit.isoDate(next.plan.start.date) : "", next && next.plan.end ? kit.isoDate(next.plan.end.date) : "",
        dates.application, dates.interview, dates.decision_date, dates.offer_deadline,
        place(app).country, app.notes, String(app.updated || "").slice(0, 10)
      ]);
    });
    return "\ufeff" + rows.map(function (row) { return row.map(cell).join(","); }).join("\r\n") + "\r\n";
  }

  function exportJson() {
    return JSON.stringify({
      format: FORMAT, version: VERSION, exported: new Date().toISOString(),
      profile: store.profile, applications: store.applications
    }, null, 2) + "\n";
  }

  /* ---- Import: every field checked, copied into fresh objects ---- */

  function ImportProblem(message) {
    this.message = message;
  }

  function text(value, limit, where) {
    if (value === undefined || value === null) return "";
    if (typeof value !== "string") throw new ImportProblem(_("{where} should be text.", { where: where }));
    if (value.length > limit) throw new ImportProblem(_("{where} is longer than {limit} characters.", { where: where, limit: limit }));
    if (HOSTILE.test(value)) throw new ImportProblem(_("{where} contains markup or a script address, which an export never has.", { where: where }));
    return value;
  }

  function isoDay(value, where) {
    if (!kit.validDate(value)) {
      throw new ImportProblem(_("{where} is not a date (YYYY-MM-DD).", { where: where }));
    }
    return value;
  }

  function mapping(value, where) {
    if (value === undefined || value === null) return {};
    if (!kit.isObject(value)) throw new ImportProblem(_("{where} should be a list of names and values.", { where: where }));
    return value;
  }

  function cleanTexts(value, where) {
    var result = {};
    Object.keys(mapping(value, where)).forEach(function (key) {
      if (!KEY.test(key)) throw new ImportProblem(_("{where} has a field named \u201c{key}\u201d, which no template uses.", { where: where, key: key.slice(0, 40) }));
      result[key] = text(value[key], MAX_NAME * 5, where + " \u203a " + key);
    });
    return result;
  }

  function cleanDates(raw, where) {
    var dates = {};
    Object.keys(mapping(raw, where + " \u203a dates")).forEach(function (key) {
      var anchor = key.replace(/^time:/, "");
      if (!Object.prototype.hasOwnProperty.call(data.dates, anchor)) {
        throw new ImportProblem(_("{where} has a date named \u201c{key}\u201d, which no situation counts from.", { where: where, key: key.slice(0, 40) }));
      }
      if (key.indexOf("time:") === 0) {
        if (typeof raw[key] !== "string" || !TIME.test(raw[key])) throw new ImportProblem(_("{where} has a time that is not HH:MM.", { where: where }));
        dates[key] = raw[key];
      } else {
        dates[key] = isoDay(raw[key], where + " \u203a " + key);
      }
    });
    return dates;
  }

  function cleanApplication(raw, n, ids) {
    var where = _("Application {number}", { number: n });
    if (!kit.isObject(raw)) throw new ImportProblem(_("{where} is not an application.", { where: where }));
    if (typeof raw.id !== "string" || !ID.test(raw.id)) throw new ImportProblem(_("{where} has no valid identity (id).", { where: where }));
    if (ids[raw.id]) throw new ImportProblem(_("{where} has the same identity as an earlier one.", { where: where }));
    ids[raw.id] = true;
    var details = cleanTexts(raw.details, where + " \u203a details");
    if (details.company) where = _("Application {number} ({company})", { number: n, company: details.company.slice(0, 60) });
    if (typeof raw.scenario !== "string" || !SLUG.test(raw.scenario) || !data.scenarios[raw.scenario]) {
      throw new ImportProblem(_("{where}: the situation \u201c{id}\u201d is not on this site.", { where: where, id: String(raw.scenario).slice(0, 60) }));
    }
    var dates = cleanDates(raw.dates, where);
    var steps = {};
    var scenario = data.scenarios[raw.scenario];
    Object.keys(mapping(raw.steps, where + " \u203a steps")).forEach(function (key) {
      var mark = raw.steps[key];
      var known = scenario.timeline.some(function (step) { return step.id === key; });
      if (!known || !kit.isObject(mark) || STATES.indexOf(mark.state) === -1) {
        throw new ImportProblem(_("{where} marks a step \u201c{key}\u201d its situation does not have.", { where: where, key: key.slice(0, 40) }));
      }
      steps[key] = { state: mark.state, on: isoDay(mark.on, where + " \u203a " + key) };
    });
    if (raw.history !== undefined && !Array.isArray(raw.history)) throw new ImportProblem(_("{where} has a history that is not a list.", { where: where }));
    if ((raw.history || []).length > MAX_HISTORY) throw new ImportProblem(_("{where} has more than {limit} entries of history.", { where: where, limit: MAX_HISTORY }));
    var history = (raw.history || []).map(function (entry) {
      if (!kit.isObject(entry) || EVENTS.indexOf(entry.event) === -1) throw new ImportProblem(_("{where} has a history entry this page does not know.", { where: where }));
      var clean = { on: isoDay(entry.on, where + " \u203a history"), event: entry.event };
      ["reply", "from", "to"].forEach(function (field) {
        if (entry[field] !== undefined) {
          var value = text(entry[field], 60, where + " \u203a history");
          if (!/^[a-z0-9_-]*$/.test(value)) throw new ImportProblem(_("{where} has a history entry this page does not know.", { where: where }));
          clean[field] = value;
        }
      });
      if (entry.dates !== undefined) clean.dates = cleanDates(entry.dates, where + " \u203a history");
      if (entry.steps !== undefined) {
        clean.steps = {};
        Object.keys(mapping(entry.steps, where + " \u203a history")).forEach(function (key) {
          var mark = entry.steps[key];
          if (!SLUG.test(key) || !kit.isObject(mark) || STATES.indexOf(mark.state) === -1) throw new ImportProblem(_("{where} has a history entry this page does not know.", { where: where }));
          clean.steps[key] = { state: mark.state, on: isoDay(mark.on, where + " \u203a history") };
        });
      }
      return clean;
    });
    var closed = null;
    if (raw.closed !== undefined && raw.closed !== null) {
      if (!kit.isObject(raw.closed)) throw new ImportProblem(_("{where}: \u201cclosed\u201d should be empty or a date.", { where: where }));
      closed = { on: isoDay(raw.closed.on, where + " \u203a closed") };
    }
    var country = raw.country === undefined || raw.country === "" ? "" : raw.country;
    if (country && (typeof country !== "string" || !COUNTRY.test(country))) throw new ImportProblem(_("{where} has a country that is not a two-letter code.", { where: where }));
    var region = raw.region === undefined ? "" : raw.region;
    if (typeof region !== "string" || !REGION.test(region)) throw new ImportProblem(_("{where} has a region that is not a code.", { where: where }));
    var updated = text(raw.updated, 40, where + " \u203a updated");
    if (updated && isNaN(Date.parse(updated))) throw new ImportProblem(_("{where}: \u201cupdated\u201d is not a time.", { where: where }));
    return {
      id: raw.id, scenario: raw.scenario, details: details, dates: dates, steps: steps,
      history: history, closed: closed, country: country, region: region,
      notes: text(raw.notes, MAX_TEXT, where + " \u203a notes"),
      created: raw.created === undefined ? todayIso() : isoDay(raw.created, where + " \u203a created"),
      updated: updated || new Date().toISOString()
    };
  }

  /* The file's applications and profile, checked; throws ImportProblem with what is wrong. */
  function readExport(content, size) {
    if (size > MAX_FILE) {
      throw new ImportProblem(_("The file is {size} KB; an export of applications is far smaller (at most {limit} KB).", {
        size: Math.round(size / 1024), limit: MAX_FILE / 1024
      }));
    }
    var raw;
    try { raw = JSON.parse(content); } catch (error) {
      throw new ImportProblem(_("The file is not JSON, so it is not an export of My applications."));
    }
    if (!kit.isObject(raw) || raw.format !== FORMAT) throw new ImportProblem(_("The file is not an export of My applications."));
    if (raw.version !== VERSION) {
      throw new ImportProblem(typeof raw.version === "number" && raw.version > VERSION
        ? _("The file was exported by a newer version of this page (format {version}); this page reads format {ours}.", { version: raw.version, ours: VERSION })
        : _("The file's format version ({version}) is not one this page reads (format {ours}).", { version: String(raw.version).slice(0, 20), ours: VERSION }));
    }
    if (!Array.isArray(raw.applications)) throw new ImportProblem(_("The file has no list of applications."));
    if (raw.applications.length > MAX_APPLICATIONS) throw new ImportProblem(_("The file has more than {limit} applications.", { limit: MAX_APPLICATIONS }));
    var ids = {};
    var applications = raw.applications.map(function (app, i) { return cleanApplication(app, i + 1, ids); });
    var profile = cleanTexts(raw.profile, _("Your details"));
    Object.keys(profile).forEach(function (key) { if (kit.PROFILE_KEYS.indexOf(key) === -1) delete profile[key]; });
    return { profile: profile, applications: applications };
  }

  function importFile(file) {
    var input = root.querySelector("[data-fu-import]");
    var reject = function (message) {
      alertText(_("Nothing was imported: {problem}", { problem: message }));
      input.value = "";
    };
    if (file.size > MAX_FILE) {
      reject(new ImportProblem(_("The file is {size} KB; an export of applications is far smaller (at most {limit} KB).", {
        size: Math.round(file.size / 1024), limit: MAX_FILE / 1024
      })).message);
      return;
    }
    file.text().then(function (content) {
      var imported;
      try { imported = readExport(content, file.size); } catch (problem) {
        if (!(problem instanceof ImportProblem)) throw problem;
        reject(problem.message);
        return;
      }
      load();
      var added = 0;
      var replaced = 0;
      imported.applications.forEach(function (app) {
        var at = store.applications.map(function (a) { return a.id; }).indexOf(app.id);
        if (at === -1) {
          store.applications.push(app);
          added += 1;
        } else {
          store.applications[at] = app;
          replaced += 1;
        }
      });
      Object.keys(imported.profile).forEach(function (key) { store.profile[key] = imported.profile[key]; });
      persist();
      input.value = "";
      renderAll();
      loadCalendars();
      var numbers = { count: imported.applications.length, added: added, replaced: replaced };
      status(imported.applications.length === 1
        ? _("Imported 1 application: {added} new, {replaced} replaced.", numbers)
        : _("Imported {count} applications: {added} new, {replaced} replaced.", numbers));
    }).catch(function () { reject(_("The file could not be read.")); });
  }

  /* ---- Actions ---- */

  function act(event) {
    var target = event.target.closest("[data-act]");
    if (!target || !root.contains(target)) return;
    var action = target.getAttribute("data-act");
    load();
    var app = find(target.getAttribute("data-app"));
    if (!app) return;
    var step = target.getAttribute("data-step");
    if (action === "sent" || action === "skip") {
      var row = plan(app).filter(function (r) { return r.step.id === step; })[0];
      if (!row) return;
      /* Focus goes on to the item that takes this one's place in the list. */
      var items = Array.prototype.slice.call(root.querySelectorAll("[data-fu-today] li.fu-due"));
      var position = items.indexOf(target.closest("li.fu-due"));
      app.steps = app.steps || {};
      app.steps[step] = { state: action === "sent" ? "sent" : "skipped", on: todayIso() };
      touch(app);
      persist();
      renderAll();
      var after = root.querySelectorAll("[data-fu-today] li.fu-due");
      var next = position >= 0 && after.length ? after[Math.min(position, after.length - 1)].querySelector("a, button") : null;
      if (target.closest(".fu-app")) focusCard(app.id);
      else (next || root.querySelector("#fu-today-title")).focus();
      var template = row.step.template && scenarioOf(app).templates[row.step.template];
      status(action === "skip" ? _("Skipped for {name}: {step}. Undo it under the application.", { name: name(app), step: row.step.title })
        : template ? _("Marked as sent for {name}: {step}.", { name: name(app), step: row.step.title })
        : _("Marked as done for {name}: {step}.", { name: name(app), step: row.step.title }));
    } else if (action === "undo-step") {
      if (!app.steps || !app.steps[step]) return;
      delete app.steps[step];
      touch(app);
      persist();
      renderAll();
      focusCard(app.id);
      status(_("Undone: {step} is to do again for {name}.", { name: name(app), step: plan(app).filter(function (r) { return r.step.id === step; })[0].step.title }));
    } else if (action === "undo-move") {
      var last = moves(app).pop();
      if (!last || !data.scenarios[last.from]) return;
      app.history.splice(app.history.lastIndexOf(last), 1);
      app.scenario = last.from;
      app.steps = last.steps || {};
      if (last.dates) app.dates = last.dates;
      touch(app);
      persist();
      renderAll();
      focusCard(app.id);
      status(_("Undone: {name} is back at \u201c{scenario}\u201d.", { name: name(app), scenario: data.scenarios[app.scenario].title }));
    } else if (action === "deadline") {
      var to = target.getAttribute("data-to");
      if (!data.scenarios[to]) return;
      moveOn(app, to, { event: "moved", reply: "deadline" });
      persist();
      renderAll();
      focusCard(app.id);
      status(_("{name} moved on: the follow-ups of \u201c{scenario}\u201d are planned now.", { name: name(app), scenario: data.scenarios[to].title }));
    } else if (action === "edit") {
      openForm(app, target.getAttribute("data-focus"));
    } else if (action === "reply") {
      var box = target.closest(".fu-app");
      var open = box.querySelector(".fu-reply-form");
      if (open) {
        open.remove();
        target.setAttribute("aria-expanded", "false");
        return;
      }
      var form = replyForm(app);
      target.setAttribute("aria-expanded", "true");
      target.setAttribute("aria-controls", form.id);
      target.closest(".fu-actions").after(form);
      form.querySelector("h4").focus();
    } else if (action === "reply-cancel") {
      renderAll();
      focusCard(app.id);
    } else if (action === "ics") {
      var single = calendarFile([app]);
      if (!single.count) {
        status(_("{name} has nothing planned yet: add the dates it counts from with Edit.", { name: name(app) }));
        return;
      }
      kit.download(fileName(app) + "-follow-ups.ics", "text/calendar", single.text);
      status(single.count === 1
        ? _("Calendar file with 1 reminder for {name} downloaded: open it to add it.", { name: name(app) })
        : _("Calendar file with {count} reminders for {name} downloaded: open it to add them.", { count: single.count, name: name(app) }));
    } else if (action === "close" || action === "reopen") {
      app.closed = action === "close" ? { on: todayIso() } : null;
      app.history = app.history || [];
      app.history.push({ on: todayIso(), event: action === "close" ? "closed" : "reopened" });
      touch(app);
      persist();
      renderAll();
      focusCard(app.id);
      status(action === "close" ? _("Closed {name}: no more reminders for it.", { name: name(app) })
        : _("Reopened {name}.", { name: name(app) }));
    } else if (action === "delete") {
      var confirmBox = el("div", { class: "fu-confirm", role: "group", "aria-label": _("Delete {name}?", { name: name(app) }) }, [
        el("p", { text: _("Delete {name} and everything noted for it? This cannot be undone.", { name: name(app) }) }),
        el("p", {}, [
          button(_("Delete it"), "delete-yes", { class: "md-button fu-danger", "data-app": app.id }), " ",
          button(_("Keep it"), "delete-no", { "data-app": app.id })
        ])
      ]);
      target.closest(".fu-actions").after(confirmBox);
      confirmBox.querySelector("button").focus();
    } else if (action === "delete-yes") {
      store.applications = store.applications.filter(function (a) { return a.id !== app.id; });
      persist();
      renderAll();
      root.querySelector("#fu-apps-title").focus();
      status(_("Deleted {name}.", { name: name(app) }));
    } else if (action === "delete-no") {
      target.closest(".fu-confirm").remove();
      focusCard(app.id);
    }
  }

  /* Render again, keeping the keyboard focus where it was when that element is drawn again
     (the holidays arrive after a first drawing; nobody should lose their place to that). */
  function renderAll() {
    var active = document.activeElement;
    var again = null;
    if (active && root.contains(active) && !root.querySelector("[data-fu-app-form]").contains(active)) {
      again = active.id ? "#" + CSS.escape(active.id)
        : active.getAttribute("data-act") ? "[data-act='" + active.getAttribute("data-act") + "']" +
          (active.getAttribute("data-app") ? "[data-app='" + CSS.escape(active.getAttribute("data-app")) + "']" : "") +
          (active.getAttribute("data-step") ? "[data-step='" + CSS.escape(active.getAttribute("data-step")) + "']" : "")
        : null;
    }
    load();
    renderToday();
    renderApps();
    var target = again && root.querySelector(again);
    if (target && document.activeElement !== target) target.focus();
  }

  /* ---- Offline: the page's own service worker keeps the page and what it loaded ---- */

  /* Ask the worker to keep the page, what it loaded and the holiday files of the countries in
     use (again whenever another country comes into use); `first` marks the page ready offline
     once they are kept. */
  function keepOffline(first) {
    if (!worker) return;
    worker.then(function (registration) {
      var urls = [window.location.href.split(/[?#]/)[0]];
      var script = document.querySelector("script[data-fu-tracker-script]");
      document.querySelectorAll("script[src], link[rel=stylesheet][href]").forEach(function (node) {
        urls.push(node.src || node.href);
      });
      ["index"].concat(Object.keys(calendars).map(function (key) { return key.split("/")[0]; })).forEach(function (file) {
        urls.push(new URL("holidays/" + file + ".json", script ? script.src : window.location.href).href);
      });
      var channel = new MessageChannel();
      if (first) channel.port1.onmessage = function () { root.setAttribute("data-fu-offline", "ready"); };
      registration.active.postMessage({ type: "cache", urls: urls }, [channel.port2]);
    }).catch(function () { /* without the worker the page works online as before */ });
  }

  var worker = null;

  function registerWorker(calendarsLoaded) {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
    var address = root.getAttribute("data-fu-worker");
    if (!address) return;
    worker = navigator.serviceWorker.register(new URL(address, window.location.href).href).then(function () {
      return navigator.serviceWorker.ready;
    });
    worker.catch(function () { worker = null; });
    calendarsLoaded.then(function () { keepOffline(true); });
  }

  /* ---- The page ---- */

  function init() {
    root = document.querySelector("[data-fu-tracker]");
    var source = document.getElementById("fu-tracker-data");
    if (!root || !source || root.getAttribute("data-fu-ready")) return;
    try { data = JSON.parse(source.getAttribute("data-fu-json")); } catch (error) { return; }
    if (!data || data.version !== 1) return;
    root.setAttribute("data-fu-ready", "1");
    root.hidden = false;
    load();
    var form = root.querySelector("[data-fu-app-form]");
    root.querySelector("[data-fu-add]").setAttribute("aria-expanded", "false");
    root.querySelector("[data-fu-add]").addEventListener("click", function () { openForm(null); });
    form.addEventListener("submit", saveForm);
    form.querySelector("[data-fu-cancel]").addEventListener("click", function () {
      closeForm();
      root.querySelector("[data-fu-add]").focus();
    });
    form.querySelector("[data-fu-scenario-select]").addEventListener("change", function () {
      dateFields(null);
      detailFields(null);
    });
    form.querySelector("[data-fu-app-country]").addEventListener("change", function (event) {
      fillRegions({ country: event.target.value, region: "" });
    });
    root.addEventListener("click", act);
    root.querySelector("[data-fu-ics-all]").addEventListener("click", function () {
      load();
      var all = calendarFile(store.applications);
      if (!all.count) {
        status(_("Nothing is planned yet: add an application with the dates you know first."));
        return;
      }
      kit.download("follow-ups.ics", "text/calendar", all.text);
      status(all.count === 1
        ? _("Calendar file with 1 reminder downloaded: open it to add it, or to update the one added before.")
        : _("Calendar file with {count} reminders downloaded: open it to add them, or to update the ones added before.", { count: all.count }));
    });
    root.querySelector("[data-fu-export-json]").addEventListener("click", function () {
      load();
      kit.download("my-applications-" + todayIso() + ".json", "application/json", exportJson());
      status(store.applications.length === 1
        ? _("Exported 1 application as a JSON file. Import it here, on any device, to bring it back.")
        : _("Exported {count} applications as a JSON file. Import it here, on any device, to bring them back.", { count: store.applications.length }));
    });
    root.querySelector("[data-fu-export-csv]").addEventListener("click", function () {
      load();
      kit.download("my-applications-" + todayIso() + ".csv", "text/csv", csvFile());
      status(store.applications.length === 1
        ? _("Exported 1 application as a CSV file for a spreadsheet.")
        : _("Exported {count} applications as a CSV file for a spreadsheet.", { count: store.applications.length }));
    });
    root.querySelector("[data-fu-import]").addEventListener("change", function (event) {
      if (event.target.files && event.target.files[0]) importFile(event.target.files[0]);
    });
    var confirmBox = root.querySelector("[data-fu-confirm-delete]");
    root.querySelector("[data-fu-delete-all]").addEventListener("click", function () {
      confirmBox.hidden = false;
      confirmBox.querySelector("[data-fu-delete-yes]").focus();
    });
    root.querySelector("[data-fu-delete-no]").addEventListener("click", function () {
      confirmBox.hidden = true;
      root.querySelector("[data-fu-delete-all]").focus();
    });
    root.querySelector("[data-fu-delete-yes]").addEventListener("click", function () {
      kit.forgetAll();
      confirmBox.hidden = true;
      closeForm();
      renderAll();
      root.querySelector("#fu-data-title").setAttribute("tabindex", "-1");
      root.querySelector("#fu-data-title").focus();
      status(_("Everything this site kept in this browser is deleted: your applications, details and dates."));
    });
    ["#fu-today-title", "#fu-apps-title"].forEach(function (selector) {
      root.querySelector(selector).setAttribute("tabindex", "-1");
    });
    renderAll();
    kit.holidaysFile("index").then(function (loaded) {
      index = loaded;
      if (!form.hidden) fillCountries({ country: form.elements.country.value, region: form.elements.region.value });
      renderApps();
    }, function () { /* countries by code only */ });
    registerWorker(loadCalendars());
  }

  window.followupTracker = Object.freeze({ init: init });
  init();
})();
