// A background document job's page reloads itself until the job has finished or failed.
(function () {
  "use strict";
  var job = document.getElementById("document-job");
  if (!job) return;
  var status = job.getAttribute("data-job-status");
  if (status === "queued" || status === "running") {
    window.setTimeout(function () { window.location.reload(); }, 3000);
  }
})();
