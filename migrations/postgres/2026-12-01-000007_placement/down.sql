DROP TABLE funding_region_programme;
DROP TABLE funding_region_total;
DROP TABLE funding_placement;
DROP TABLE region_level;
