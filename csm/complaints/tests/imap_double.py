"""An in-memory IMAP server double speaking the imaplib interface (UID SEARCH/FETCH/STORE/COPY)."""

from __future__ import annotations

from email.message import EmailMessage


def raw_mail(n: int) -> bytes:
    message = EmailMessage()
    message["From"] = f"guest{n}@example.com"
    message["Subject"] = f"Complaint {n}"
    message["Message-ID"] = f"<g{n}@mail.example>"
    message.set_content(f"Problem number {n}.")
    return bytes(message)


class FakeImap:
    def __init__(self, messages: dict[int, bytes], seen: set[int] = frozenset()) -> None:
        self.messages, self.flags = dict(messages), {uid: set() for uid in messages}
        for uid in seen:
            self.flags[uid].add("\\Seen")
        self.folders: dict[str, list[bytes]] = {}
        self.selected = ""
        self.logged_out = False

    def select(self, folder: str):
        self.selected = folder
        return ("OK", [str(len(self.messages)).encode()]) if folder == '"INBOX"' else ("NO", [b"no such folder"])

    def uid(self, command: str, *args: str):
        if command == "SEARCH":
            unseen = [str(uid).encode() for uid in sorted(self.messages) if "\\Seen" not in self.flags[uid]]
            return "OK", [b" ".join(unseen)]
        uid = int(args[0])
        if command == "FETCH":
            assert args[1] == "(BODY.PEEK[])"  # reading must not mark the message seen
            return "OK", [(f"{uid} (UID {uid} BODY[] {{n}}".encode(), self.messages[uid]), b")"]
        if command == "STORE":
            self.flags[uid] |= set(args[2].strip("()").split())
            return "OK", []
        if command == "COPY":
            self.folders.setdefault(args[1], []).append(self.messages[uid])
            return "OK", []
        raise AssertionError(command)

    def expunge(self):
        for uid in [uid for uid, flags in self.flags.items() if "\\Deleted" in flags]:
            del self.messages[uid], self.flags[uid]
        return "OK", []

    def logout(self):
        self.logged_out = True
        return "BYE", []
