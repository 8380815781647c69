from reviews.actions import review_post
from tests.factories import organisation_user


def review_by(order, side="enterprise", score=5, content="服务专业，响应及时。", dims=(5, 5, 5)):
    """A review of `order` by its enterprise (of the institution, with the three dimensions) or its institution."""
    if side == "enterprise":
        quality, attitude, speed = dims
        return review_post(
            order=order,
            actor=order.placed_by,
            score=score,
            quality=quality,
            attitude=attitude,
            speed=speed,
            content=content,
        )
    return review_post(order=order, actor=organisation_user(order.institution), score=score, content=content)
