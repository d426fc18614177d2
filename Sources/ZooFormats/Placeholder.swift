import CZooHDF5
import Crypto
func probe() -> Int32 { zoo_h5_open() }
