# The JSON Schema of h7jumpdiag's reports, installed into the data directory.
INSTALL_TARGETS += install-schema

.PHONY: install-schema
install-schema:
	install -d $(DESTDIR)$(DATADIR)/schema
	install -m 644 schema/h7jumpdiag-1.schema.json $(DESTDIR)$(DATADIR)/schema/h7jumpdiag-1.schema.json
