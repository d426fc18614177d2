// `import Zoo` gives the whole public API: tensors, formats, tokenizers and architectures too.
@_exported import ZooFormats
@_exported import ZooModels
@_exported import ZooTensor
@_exported import ZooTokenizers
