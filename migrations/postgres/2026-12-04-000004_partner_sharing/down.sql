DROP TABLE taxii_objects;
DROP TABLE shares;
DROP TABLE collection_grants;
DROP TABLE sharing_collections;
DROP TABLE partners;
