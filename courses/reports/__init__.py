"""Staff reports: progress, module matrix, cohorts, competences, exports and charts.

Other apps add columns and figures through :mod:`courses.reports.columns`, so this
package never imports them (``certificates`` adds the certificate number).
"""
