/* Cell renderers for the assessment pages' grids (dash-ag-grid). The link text is the
   cell value rendered as text by React, never as HTML; the address is built on the
   server (the row's ``href`` field, or the field named by cellRendererParams.hrefField)
   and must be a path inside the portal. */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.AsUnitLink = function (props) {
  var target = props.data ? props.data[props.hrefField || "href"] : null;
  if (!target || target.charAt(0) !== "/" || target.charAt(1) === "/") {
    return props.value;
  }
  return React.createElement("a", { href: target, className: "as-link" }, props.value);
};
