"""What each role may do with volunteers (where: area assignments, or team membership).

A 志愿服务队负责人 (VOLUNTEER_LEADER) is a member of the teams they lead (``core.Membership``): the
team's ``scope_organisation`` lets them see their team, its volunteers and its account wherever they
are, and keep the volunteers' availability and skills up to date — nothing else, no elder registry.
"""

from __future__ import annotations

from yiyang.accounts.roles import Role, grant

_READERS = [
    Role.DISTRICT_ADMIN,
    Role.STREET_WORKER,
    Role.COMMUNITY_WORKER,
    Role.HOTLINE_OPERATOR,
    Role.AUDITOR,
]
_WORKERS = [Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER]

grant([*_READERS, Role.VOLUNTEER_LEADER], ["volunteers.view_volunteer", "volunteers.view_volunteerteam"])
grant(_WORKERS, ["volunteers.add_volunteer", "volunteers.change_volunteer", "volunteers.add_volunteerteam",
                 "volunteers.change_volunteerteam", "volunteers.import_volunteer"])  # fmt: skip
grant([Role.VOLUNTEER_LEADER], ["volunteers.change_volunteer", "volunteers.lead_volunteerteam"])
grant([*_WORKERS, Role.AUDITOR, Role.VOLUNTEER_LEADER],
      ["volunteers.export_volunteer", "volunteers.export_volunteerteam"])  # fmt: skip

# -- the time bank --------------------------------------------------------------------------------------
# Everyone who reads volunteers reads accounts and their statements; workers at the desk record services
# and do a holder's transfers, donations and redemptions with the holder's consent. Reversal (冲正) is a
# street's or the district's decision; the pool is the district's (its account lies at district level).
grant([*_READERS, Role.VOLUNTEER_LEADER], ["volunteers.view_timeaccount", "volunteers.view_servicerecord"])
grant(_READERS, ["volunteers.view_timemovement", "volunteers.view_bankrule", "volunteers.view_monthendcheck"])
grant(_WORKERS, ["volunteers.move_timeaccount"])
grant([Role.DISTRICT_ADMIN, Role.STREET_WORKER], ["volunteers.reverse_timemovement"])
grant([*_WORKERS, Role.VOLUNTEER_LEADER], ["volunteers.add_servicerecord", "volunteers.change_servicerecord"])
grant([Role.DISTRICT_ADMIN], ["volunteers.add_bankrule", "volunteers.change_bankrule",
                              "volunteers.add_monthendcheck"])  # fmt: skip
grant([*_WORKERS, Role.AUDITOR, Role.VOLUNTEER_LEADER],
      ["volunteers.export_timeaccount", "volunteers.export_timemovement", "volunteers.export_servicerecord"])  # fmt: skip

# -- help requests: registered by workers and the hotline, matched by them; a team's leader answers for
# the members offered a request (accept or decline).
grant([*_READERS, Role.VOLUNTEER_LEADER], ["volunteers.view_helprequest"])
grant([*_WORKERS, Role.HOTLINE_OPERATOR], ["volunteers.add_helprequest", "volunteers.match_helprequest"])
grant([*_WORKERS, Role.HOTLINE_OPERATOR, Role.VOLUNTEER_LEADER], ["volunteers.change_helprequest"])
grant([*_WORKERS, Role.AUDITOR], ["volunteers.export_helprequest"])

# -- activities: run by workers; the door's scanner may be a worker or a team leader.
grant([*_READERS, Role.VOLUNTEER_LEADER], ["volunteers.view_activity", "volunteers.view_participation"])
grant(_WORKERS, ["volunteers.add_activity", "volunteers.change_activity"])
grant([*_WORKERS, Role.VOLUNTEER_LEADER], ["volunteers.attend_activity"])
grant([*_WORKERS, Role.AUDITOR], ["volunteers.export_activity"])

# -- honours: communities and streets nominate, the street reviews, the district decides and publishes.
grant(_READERS, ["volunteers.view_honourcampaign", "volunteers.view_nomination"])
grant([Role.DISTRICT_ADMIN], ["volunteers.add_honourcampaign", "volunteers.change_honourcampaign",
                              "volunteers.approve_honourcampaign"])  # fmt: skip
grant(_WORKERS, ["volunteers.add_nomination"])
grant([Role.DISTRICT_ADMIN, Role.STREET_WORKER], ["volunteers.change_nomination"])

# -- neighbour mutual-aid pairs: the community pairs and follows them; a team's leader sees and checks in
# the pairs of the team's volunteers.
grant([*_READERS, Role.VOLUNTEER_LEADER], ["volunteers.view_mutualaidpair"])
grant(_WORKERS, ["volunteers.add_mutualaidpair", "volunteers.change_mutualaidpair"])
grant([*_WORKERS, Role.AUDITOR, Role.VOLUNTEER_LEADER], ["volunteers.export_mutualaidpair"])
