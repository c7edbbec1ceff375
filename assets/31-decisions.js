/* Cell renderer for the personnel decisions grid: a decision's number opens its page. */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.CaDecisionLink = function (props) {
  if (!props.data || !props.data.id) {
    return props.value;
  }
  return React.createElement(
    "a",
    { href: "/decisions/view?id=" + encodeURIComponent(props.data.id), className: "ca-dc-link" },
    props.value
  );
};
