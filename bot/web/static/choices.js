// A multiple choice's boxes and a ranking's lists offer only what "Valider" takes: an
// exclusive answer unticks the others (and they it), the boxes past the maximum are
// disabled, and an item chosen at one rank is greyed out at the others. Without this
// file, the server's refusals say the same after "Valider" (flows/values.py).
"use strict";

(function () {
  // A multiple choice's boxes, in its fieldset (chat.html).
  function boxes(group) {
    return Array.prototype.slice.call(group.querySelectorAll("input[type=checkbox][name=codes]"));
  }

  // Why: an exclusive answer ("Aucune innovation") is refused beside another one
  // (flows/values.py), so ticking it unticks the others, and ticking another unticks it.
  function standAlone(ticked) {
    var alone = ticked.hasAttribute("data-exclusive");
    boxes(ticked.closest("fieldset")).forEach(function (box) {
      if (box !== ticked && (alone || box.hasAttribute("data-exclusive"))) { box.checked = false; }
    });
  }

  // Why: more than `data-max` answers is refused, so at the maximum the boxes still unticked
  // are disabled, and enabled again at an untick. Never a ticked box (a disabled box is not
  // sent with the form), nor an exclusive one (ticked, it replaces the others).
  function capTicks(group) {
    var most = parseInt(group.dataset.max || "", 10);
    var open = boxes(group).filter(function (box) { return !box.hasAttribute("data-exclusive"); });
    var ticked = open.filter(function (box) { return box.checked; }).length;
    open.forEach(function (box) { box.disabled = ticked >= most && !box.checked; });
  }

  // Why: the same item at two ranks is refused ("sans doublon"), so an item chosen in one
  // list is greyed out in the others, and offered again once it is un-chosen there. A list
  // keeps its own choice enabled: a disabled option selected would not be sent.
  function oneRankEach(form) {
    var lists = Array.prototype.slice.call(form.querySelectorAll("select[name=rank]"));
    lists.forEach(function (list) {
      var elsewhere = lists.filter(function (other) { return other !== list; })
        .map(function (other) { return other.value; });
      Array.prototype.forEach.call(list.options, function (option) {
        option.disabled = option.value !== "" && option.value !== list.value &&
          elsewhere.indexOf(option.value) >= 0;
      });
    });
  }

  // Why: a page can come with answers already chosen (an earlier answer, Back, a reload
  // the browser fills in), so its boxes and lists are set as those choices require.
  function limitChoices() {
    document.querySelectorAll("#main fieldset[data-max]").forEach(capTicks);
    document.querySelectorAll("#main form").forEach(function (form) {
      if (form.querySelector("select[name=rank]")) { oneRankEach(form); }
    });
  }

  // Each box ticked and list chosen, on whichever page is drawn now (one listener for all).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("input[type=checkbox][name=codes]")) {
      if (target.checked) { standAlone(target); }
      var group = target.closest("fieldset[data-max]");
      if (group) { capTicks(group); }
    } else if (target.matches("select[name=rank]") && target.form) {
      oneRankEach(target.form);
    }
  });

  // A page the browser shows again from its cache, or fills in itself on a reload, after
  // this file ran: its choices set as they now stand.
  window.addEventListener("pageshow", limitChoices);
  // Each page chat.js draws in place (its `prepare`).
  document.addEventListener("surveybot:drawn", limitChoices);
  limitChoices();
})();
