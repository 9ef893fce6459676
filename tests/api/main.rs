mod i18n;
