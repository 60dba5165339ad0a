package enum SCIMCryptoPlaceholder {}
