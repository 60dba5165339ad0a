package enum SCIMSQLitePlaceholder {}
