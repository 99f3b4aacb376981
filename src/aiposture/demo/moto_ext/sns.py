"""SNS subscriptions that wait for their confirmation token.

:func:`confirmation_token` reads the token AWS "sent" to a pending subscriber.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiposture.demo.moto_ext.common import patch

__all__ = ["confirmation_token", "patch_sns"]

_CONFIRMED_BY_ENDPOINT = ("email", "email-json", "http", "https")
_PENDING_ATTR = "_aiposture_pending_confirmation"


def _pending(subscription: Any) -> bool:
    return getattr(subscription, _PENDING_ATTR, None) is not None


def confirmation_token(account_id: str, region: str, topic_arn: str, endpoint: str) -> str:
    """The token AWS sent to ``endpoint`` for its pending subscription to ``topic_arn``.

    Stands in for the confirmation e-mail or HTTP request: pass it to ``ConfirmSubscription``.
    Raises ``LookupError`` when no subscription of that endpoint is pending. The moto
    backend must run in this process (``mock_aws()`` or ``ThreadedMotoServer``).
    """
    from moto.sns.models import sns_backends

    backend = sns_backends[account_id][region]
    for subscription in backend.subscriptions.values():
        if subscription.topic.arn == topic_arn and subscription.endpoint == endpoint:
            token = getattr(subscription, _PENDING_ATTR, None)
            if token is not None:
                return str(token)
    raise LookupError(f"no pending subscription of {endpoint} to {topic_arn}")


def patch_sns() -> None:
    """SNS subscriptions that wait for their confirmation token.

    SNS confirmation of email and HTTP(S) subscriptions (SNS Developer Guide, "Subscribing
    to an Amazon SNS topic": such endpoints must confirm with the token AWS sends; botocore
    ``sns`` model: Subscribe answers "pending confirmation", ConfirmSubscription takes
    ``Token``; GetTopicAttributes' ``SubscriptionsConfirmed`` and ``SubscriptionsPending``).
    moto confirms everything at once and ignores the token.
    """
    import secrets

    from moto.core.responses import ActionResult
    from moto.sns.exceptions import SNSInvalidParameter, SNSNotFoundError
    from moto.sns.models import SNSBackend
    from moto.sns.responses import SNSResponse

    original_subscribe: Callable[..., Any] = SNSBackend.subscribe
    original_subscribe_response: Callable[[Any], Any] = SNSResponse.subscribe
    original_attributes: Callable[[Any], Any] = SNSResponse.get_topic_attributes

    def subscribe(self: Any, topic_arn: str, endpoint: str, protocol: str) -> Any:
        existing = self._find_subscription(topic_arn, endpoint, protocol)
        subscription = original_subscribe(self, topic_arn, endpoint, protocol)
        if existing is None and protocol in _CONFIRMED_BY_ENDPOINT:
            setattr(subscription, _PENDING_ATTR, secrets.token_hex(32))
            subscription.attributes["PendingConfirmation"] = True
            subscription.attributes["ConfirmationWasAuthenticated"] = False
        return subscription

    def r_subscribe(self: Any) -> Any:
        result = original_subscribe_response(self)
        found = self.backend._find_subscription(
            self._get_param("TopicArn"), self._get_param("Endpoint"), self._get_param("Protocol")
        )
        wants_arn = str(self._get_param("ReturnSubscriptionArn") or "").lower() == "true"
        if found is not None and _pending(found) and not wants_arn:
            return ActionResult({"SubscriptionArn": "pending confirmation"})
        return result

    def listed(subscriptions: list[Any]) -> list[dict[str, Any]]:
        return [
            {
                "SubscriptionArn": "PendingConfirmation" if _pending(sub) else sub.arn,
                "Owner": sub.owner,
                "Protocol": sub.protocol,
                "Endpoint": sub.endpoint,
                "TopicArn": sub.topic.arn,
            }
            for sub in subscriptions
        ]

    def r_list_subscriptions(self: Any) -> Any:
        subs, token = self.backend.list_subscriptions(next_token=self._get_param("NextToken"))
        return ActionResult({"Subscriptions": listed(subs), "NextToken": token})

    def r_list_subscriptions_by_topic(self: Any) -> Any:
        subs, token = self.backend.list_subscriptions_by_topic(
            self._get_param("TopicArn"), next_token=self._get_param("NextToken")
        )
        return ActionResult({"Subscriptions": listed(subs), "NextToken": token})

    def r_confirm_subscription(self: Any) -> Any:
        topic_arn = self._get_param("TopicArn")
        if topic_arn not in self.backend.topics:
            raise SNSNotFoundError("Topic does not exist")
        token = self._get_param("Token")
        for sub in self.backend.subscriptions.values():
            if sub.topic.arn == topic_arn and token and getattr(sub, _PENDING_ATTR, None) == token:
                setattr(sub, _PENDING_ATTR, None)
                sub.confirmed = True
                sub.attributes["PendingConfirmation"] = False
                sub.attributes["ConfirmationWasAuthenticated"] = True
                return ActionResult({"SubscriptionArn": sub.arn})
        raise SNSInvalidParameter("Invalid token")

    def r_get_topic_attributes(self: Any) -> Any:
        topic_arn = self._get_param("TopicArn")
        topic = self.backend.get_topic(topic_arn)
        subs = [s for s in self.backend.subscriptions.values() if s.topic.arn == topic_arn]
        pending = sum(1 for s in subs if _pending(s))
        topic.subscriptions_confimed = len(subs) - pending
        topic.subscriptions_pending = pending
        return original_attributes(self)

    patch(SNSBackend, "subscribe", subscribe)
    patch(SNSResponse, "subscribe", r_subscribe)
    patch(SNSResponse, "list_subscriptions", r_list_subscriptions)
    patch(SNSResponse, "list_subscriptions_by_topic", r_list_subscriptions_by_topic)
    patch(SNSResponse, "confirm_subscription", r_confirm_subscription)
    patch(SNSResponse, "get_topic_attributes", r_get_topic_attributes)
