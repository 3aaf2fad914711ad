"""What the conversation log keeps of a reply, for tests that compare the two."""

from typing import Any, Dict, List


def logged_reply(replies: List[Dict[str, Any]]) -> str:
    """The webhook's replies as the log stores them: a text per line, each
    followed by its buttons' titles ("[title | title]") when it offers any."""
    return "\n".join(
        f"{reply['text']} [{' | '.join(b['title'] for b in reply['buttons'])}]"
        if reply.get("buttons")
        else str(reply["text"])
        for reply in replies
        if reply.get("text")
    )
