package enum SCIMHTTPPlaceholder {}
