"""Signed-ready Word documents to Nghị định 30/2020 (and PDF through LibreOffice).

- service: make a document for a nomination, a campaign's list or letter, council minutes or
  a decision, with scope checks and the audit record; jobs: the same in the background.
- catalog: what can be made now for a page's "Tài liệu" panel.
- templates: template versions (upload, list); certificates: register numbers, print offsets.
- contexts/: one context builder per kind; render/package: docxtpl and the file itself;
  formatting, money, legal, issuers: the NĐ 30 wording, reward money, Căn cứ lines, letterheads.
"""
