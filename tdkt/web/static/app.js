// Small conveniences; every page works without them.
(function () {
  "use strict";

  // "Select all" checkbox of a bulk table.
  document.querySelectorAll("[data-select-all]").forEach(function (master) {
    var name = master.getAttribute("data-select-all");
    master.addEventListener("change", function () {
      master.closest("form").querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
        box.checked = master.checked;
      });
    });
  });

  // Nomination form: offer only the award forms, pools and rounds of the chosen campaign, the
  // categories of the chosen pool and kind, and the nominee types of the chosen kind. The server
  // checks all of it again.
  var form = document.getElementById("nomination-form");
  if (!form) return;
  var campaign = form.querySelector("#campaign_id");
  var pool = form.querySelector("#pool_id");
  // Their options name their campaign in data-campaign.
  var ofCampaign = ["#award_form_id", "#pool_id", "#round_id"].map(function (id) { return form.querySelector(id); });
  var category = form.querySelector("#category");
  var type = form.querySelector("#nominee_type");

  function kind() {
    var checked = form.querySelector('input[name="nominee_kind"]:checked');
    return checked ? checked.value : "";
  }

  function show(select, keep) {
    if (!select) return;
    var firstVisible = null;
    Array.prototype.forEach.call(select.options, function (option) {
      var visible = keep(option);
      option.hidden = !visible;
      option.disabled = !visible;
      if (visible && firstVisible === null) firstVisible = option;
    });
    var current = select.options[select.selectedIndex];
    if ((!current || current.disabled) && firstVisible) firstVisible.selected = true;
  }

  function refresh() {
    if (campaign) {
      ofCampaign.forEach(function (select) {
        show(select, function (o) { return !o.dataset.campaign || o.dataset.campaign === campaign.value; });
      });
    }
    show(category, function (o) {
      var pools = (o.dataset.pools || "").split(" ").filter(Boolean);
      var inPool = !pool || !pool.value || pools.length === 0 || pools.indexOf(pool.value) >= 0;
      return inPool && (!o.dataset.kind || o.dataset.kind === kind());
    });
    show(type, function (o) { return !o.dataset.kinds || o.dataset.kinds.split(" ").indexOf(kind()) >= 0; });
  }

  form.addEventListener("change", refresh);
  refresh();

  // Money: show 60.000.000 as the user types whole đồng.
  var money = form.querySelector("#contribution_vnd");
  if (money) {
    money.addEventListener("blur", function () {
      var digits = money.value.replace(/[.\s]/g, "");
      if (/^\d+$/.test(digits)) money.value = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    });
  }
})();
