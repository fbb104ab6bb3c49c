module pier.local/swarm

go 1.22
