-- (c) one organisation by id, with the first 20 programmes it takes part in (accepted), by name, and their count.
SELECT o.name, o.kind, pr.name, pr.kind, pr.total
FROM organisation o
LEFT JOIN LATERAL (
  SELECT p.name, p.kind, p.sort_key, p.id, count(*) OVER () AS total
  FROM programme p
  WHERE p.id IN (SELECT programme_id FROM participation WHERE organisation_id = o.id AND status = 'ACCEPTED')
  ORDER BY p.sort_key, p.id LIMIT 20) pr ON true
WHERE o.id = :org
ORDER BY pr.sort_key, pr.id;
