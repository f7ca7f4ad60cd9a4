-- One database per domain (DESIGN.md): no service can read another's tables.
CREATE DATABASE users;
CREATE DATABASE posts;
CREATE DATABASE likes;
CREATE DATABASE polls;
CREATE DATABASE links;
CREATE DATABASE courses;
