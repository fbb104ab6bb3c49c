module pier/cni

go 1.22
