from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "csm.accounts"
    label = "accounts"
    verbose_name = "Accounts"
