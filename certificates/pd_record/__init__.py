"""The teacher's professional-development record: hours from this site's
certificates and from certificates the teacher adds, against the 36 hours in
3 years that Cabinet Regulation No 569 (2018), point 15, requires.

Public module: :mod:`certificates.pd_record.record` (the figures),
:mod:`certificates.pd_record.window` (the date rule).
"""
