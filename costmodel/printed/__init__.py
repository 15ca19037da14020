"""What every printed output shares, the committee pack and the workbook alike: how wide text is set
in the font both print in (`measure`), and the colours of their charts (`palette`)."""
