package enum SCIMTestSupportPlaceholder {}
